/**
 * A worker inside the bench process whose AWS clients count every call through the SDK middleware
 * observers (`createAwsClients({ observers })`). The separate worker process cannot report its
 * calls, so the per-setup call counts and the sequential timings come from this one.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import * as path from 'node:path';
import { createActivities, createAwsClients } from '../src/activities';
import { workflowBundleOptions } from '../src/workflow-bundle';
import type { Client } from '@temporalio/client';
import type { AwsCall } from './measure';

export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface InProcessWorker {
  taskQueue: string;
  /** Every AWS call the activities made, in order; slice it around a run to attribute calls. */
  calls: AwsCall[];
  shutdown(): Promise<void>;
}

export async function startInProcessWorker(opts: {
  temporalAddress: string;
  motoUrl: string;
  taskQueue: string;
  client: Client;
}): Promise<InProcessWorker> {
  const calls: AwsCall[] = [];
  const connection = await NativeConnection.connect({ address: opts.temporalAddress });
  const aws = createAwsClients({
    clientConfig: { endpoint: opts.motoUrl, credentials: CREDENTIALS },
    observers: [(c) => calls.push(c)],
  });
  const worker = await Worker.create({
    connection,
    taskQueue: opts.taskQueue,
    workflowsPath: path.resolve(__dirname, '..', 'src', 'workflows'),
    bundlerOptions: workflowBundleOptions(),
    activities: createActivities({ aws, temporal: opts.client }),
  });
  const running = worker.run();
  return {
    taskQueue: opts.taskQueue,
    calls,
    async shutdown() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
