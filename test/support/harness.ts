/**
 * An in-process worker on the run's real Temporal dev server, with AWS clients pointed at the
 * run's AWS (the AWS-faithful layer in front of moto, or moto itself with TEST_RAW_MOTO=1; or a
 * fault proxy a test puts in front of that), plus direct EC2 clients for checking moto's state.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import {
  createActivities,
  createAwsClients,
  type CommandObserver,
  type ConsistencyWindows,
} from '../../src/activities';
import { workflowBundleOptions } from '../../src/workflow-bundle';
import { testEnv } from './env';

export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface TestWorker {
  client: Client;
  taskQueue: string;
  worker: Worker;
  /** Every AWS operation the activities made, in order (`roleArn`: made through a side's role). */
  calls: Array<{ service: string; region: string; operation: string; roleArn?: string }>;
  shutdown(): Promise<void>;
}

export interface TestWorkerOptions {
  /** The Temporal frontend (a test's own cluster, say). @default the run's dev server */
  temporalAddress?: string;
  /** Where the activities send AWS calls. @default the run's AWS (testEnv().awsUrl) */
  endpoint?: string;
  taskQueue?: string;
  observers?: CommandObserver[];
  /** SDK attempts per call. @default 3 */
  maxAttempts?: number;
  /** Where Service Quotas calls go. @default `endpoint` (moto answers AWS's defaults) */
  serviceQuotasEndpoint?: string;
  /** Eventual-consistency windows of the activities. @default the activities' own defaults */
  consistency?: Partial<ConsistencyWindows>;
  /** How long a bounded check waits for an answer. @default the client factory's (3 s) */
  probeTimeoutMs?: number;
}

/** Starts a worker polling its own task queue; `shutdown()` drains it and closes connections. */
export async function startTestWorker(options: TestWorkerOptions = {}): Promise<TestWorker> {
  const env = testEnv();
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const calls: TestWorker['calls'] = [];
  const address = options.temporalAddress ?? env.temporalAddress;
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const aws = createAwsClients({
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.probeTimeoutMs ? { probeTimeoutMs: options.probeTimeoutMs } : {}),
    clientConfig: { endpoint: options.endpoint ?? env.awsUrl, credentials: CREDENTIALS },
    ...(options.serviceQuotasEndpoint ? { serviceEndpoints: { servicequotas: options.serviceQuotasEndpoint } } : {}),
    observers: [(c) => calls.push(c), ...(options.observers ?? [])],
  });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    // The run's bundle (global setup) when there is one; else webpack, with the same options.
    ...(env.workflowBundle
      ? { workflowBundle: { codePath: env.workflowBundle } }
      : { workflowsPath: path.resolve(__dirname, '../../src/workflows'), bundlerOptions: workflowBundleOptions() }),
    activities: createActivities({
      aws,
      temporal: client,
      ...(options.consistency ? { consistency: options.consistency } : {}),
    }),
    maxHeartbeatThrottleInterval: '5 seconds',
  });
  const running = worker.run();
  return {
    client,
    taskQueue,
    worker,
    calls,
    async shutdown() {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** A direct EC2 client on moto, for GIVEN setup and THEN checks; never through the layer or a proxy. */
export function ec2(region: string): EC2Client {
  return new EC2Client({ region, endpoint: testEnv().motoUrl, credentials: CREDENTIALS });
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
