/**
 * How the workflow code is bundled, in one place for the prebuilt bundle (`npm run build:workflows`),
 * the worker when it bundles at start (under ts-node), the tests' workers and the replay test.
 *
 * - `preloadModules`: src/domain (the request validation, the plans) and zod are evaluated once per
 *   worker thread and shared, frozen, by every workflow. Otherwise the SDK's reusable V8 context
 *   evaluates each workflow's own copy of every module it imports, and each copy builds all of
 *   the zod schemas again. Measured with 50 setups at once (README "Performance"): the workflow
 *   thread's heap stops growing by the schemas' worth per workflow. src/domain is pure by design
 *   (no state, no I/O; eslint holds it to the workflow rules), so sharing it leaks nothing between
 *   workflows.
 * - the inline source map keeps the mappings but not the sources: stack traces still name src/
 *   lines, and the bundle is 1.6 MB instead of 3.1 MB for every worker to load and parse.
 */
import type { BundleOptions } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type WorkflowBundleOptions = Required<Pick<BundleOptions, 'preloadModules' | 'webpackConfigHook'>>;

/** `srcDir` holds workflows/ and domain/: src/ under ts-node, lib/src in the compiled worker. */
export function workflowBundleOptions(srcDir: string = __dirname): WorkflowBundleOptions {
  const domain = path.join(srcDir, 'domain');
  const modules = fs
    .readdirSync(domain)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.join(domain, f.replace(/\.(ts|js)$/, '')));
  return {
    preloadModules: ['zod', ...modules],
    webpackConfigHook: (config) => ({ ...config, devtool: 'inline-nosources-source-map' }),
  };
}
