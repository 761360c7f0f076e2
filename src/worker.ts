import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities, createAwsClients } from './activities';
import { loadTemporalSettings } from './config';

async function run() {
  const settings = loadTemporalSettings();
  const metrics = process.env.METRICS_BIND_ADDRESS;
  if (metrics) {
    Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: metrics } } } });
  }
  const connection = await NativeConnection.connect(settings.connectionOptions);
  const clientConnection = await Connection.connect(settings.connectionOptions);
  const temporal = new Client({ connection: clientConnection, namespace: settings.namespace });
  try {
    const worker = await Worker.create({
      connection,
      namespace: settings.namespace,
      taskQueue: settings.taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities: createActivities({ aws: createAwsClients(), temporal }),
      // Cancellation reaches a polling activity only with a heartbeat; keep that prompt.
      maxHeartbeatThrottleInterval: '5 seconds',
    });
    console.log(
      `Worker ready: task queue ${settings.taskQueue}, namespace ${settings.namespace}, Temporal ${settings.connectionOptions.address}, identity ${worker.options.identity}` +
        (metrics ? `, Prometheus metrics on http://${metrics}/metrics` : ''),
    );
    // Worker.run() drains on SIGINT/SIGTERM: in-flight activities finish, then it resolves.
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
