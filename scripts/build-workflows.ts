// npm run build:workflows
// Bundles the workflow code once, ahead of time, into lib/workflow-bundle.js. The compiled worker
// (node lib/src/worker.js) loads it instead of running webpack at every start: faster to start, and
// the bundler's memory never enters the worker process. `npm run build` runs this after tsc.
import { bundleWorkflowCode } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workflowBundleOptions } from '../src/workflow-bundle';

const OUT = path.resolve(__dirname, '..', 'lib', 'workflow-bundle.js');

async function run() {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../src/workflows'),
    ...workflowBundleOptions(),
  });
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, code);
  console.log(`wrote ${path.relative(process.cwd(), OUT)} (${(code.length / 1024 / 1024).toFixed(1)} MB)`);
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
