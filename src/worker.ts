import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createActivities, createAwsClients } from './activities';
import { loadTemporalSettings, loadWorkerSettings, primaryRegionWarning } from './config';
import { newerSource, workflowBundleOptions } from './workflow-bundle';

/**
 * The compiled worker (lib/src/worker.js) loads lib/workflow-bundle.js from `npm run build:workflows`
 * instead of running webpack at every start, which leaves the bundler's memory in the process for
 * good. A bundle older than the compiled workflow code beside it is stale and skipped. Under ts-node
 * (src/worker.ts) there is no bundle there, so the worker bundles src/workflows at start, as always.
 */
type WorkflowCode =
  | { workflowBundle: { codePath: string } }
  | { workflowsPath: string; bundlerOptions: ReturnType<typeof workflowBundleOptions> };

function workflowCode(): WorkflowCode {
  const atStart = (): WorkflowCode => ({
    workflowsPath: require.resolve('./workflows'),
    bundlerOptions: workflowBundleOptions(),
  });
  // WORKFLOW_BUNDLE names a bundle built by whoever starts the worker (the tests build one per run):
  // loaded as given, without the staleness check, since nothing says which source it came from.
  const given = process.env.WORKFLOW_BUNDLE;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`WORKFLOW_BUNDLE: ${given} does not exist`);
    return { workflowBundle: { codePath: path.resolve(given) } };
  }
  const codePath = path.join(__dirname, '..', 'workflow-bundle.js');
  if (!fs.existsSync(codePath)) return atStart();
  const stale = newerSource(
    codePath,
    ['workflows', 'domain'].map((dir) => path.join(__dirname, dir)),
  );
  if (stale) {
    console.warn(
      `${codePath} is older than ${stale}; bundling the workflow code at start instead (npm run build refreshes it)`,
    );
    return atStart();
  }
  return { workflowBundle: { codePath } };
}

async function run() {
  const settings = loadTemporalSettings();
  const own = loadWorkerSettings();
  const placement = primaryRegionWarning(process.env);
  if (placement) console.warn(placement);
  const metrics = process.env.METRICS_BIND_ADDRESS;
  if (metrics) {
    Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: metrics } } } });
  }
  const connection = await NativeConnection.connect(settings.connectionOptions);
  const clientConnection = await Connection.connect(settings.connectionOptions);
  const temporal = new Client({ connection: clientConnection, namespace: settings.namespace });
  try {
    const workflows = workflowCode();
    const worker = await Worker.create({
      connection,
      namespace: settings.namespace,
      taskQueue: settings.taskQueue,
      ...workflows,
      activities: createActivities({
        aws: createAwsClients({ assumableRoleArns: own.assumableRoleArns }),
        temporal,
        consistency: own.consistency,
      }),
      // Cancellation reaches a polling activity only with a heartbeat; keep that prompt.
      maxHeartbeatThrottleInterval: '5 seconds',
      // On SIGTERM, activities in flight get this long to finish before they are cancelled (and
      // retried elsewhere); past it plus a margin, the worker stops for good.
      shutdownGraceTime: own.shutdownGraceMs,
      shutdownForceTime: own.shutdownGraceMs + 30_000,
    });
    console.log(
      `Worker ready: task queue ${settings.taskQueue}, namespace ${settings.namespace}, Temporal ${settings.connectionOptions.address}, identity ${worker.options.identity}, ` +
        ('workflowBundle' in workflows
          ? `workflow bundle ${workflows.workflowBundle.codePath}`
          : 'workflow code bundled at start') +
        (metrics ? `, Prometheus metrics on http://${metrics}/metrics` : '') +
        `, shutdown grace ${own.shutdownGraceMs / 1000} s` +
        `, side roles it may assume: ${own.assumableRoleArns.join(', ') || 'none'}`,
    );
    // Worker.run() drains on SIGINT/SIGTERM: it stops polling, lets in-flight activities finish
    // (up to shutdownGraceTime), then resolves.
    await worker.run();
  } finally {
    await clientConnection.close();
    await connection.close();
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
