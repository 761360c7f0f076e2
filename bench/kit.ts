/**
 * What every measured run is made of: an empty moto, a setup or teardown run to its end (or a
 * timeout), its cost in time and EC2 calls, and its history's events.
 */
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { type Client, type WorkflowHandle } from '@temporalio/client';
import type { PeeringRequest, PeeringResult, TeardownResult } from '../src/domain/peering/types';
import type { SetupInterRegionPeering, TeardownInterRegionPeering } from '../src/workflows';
import { burst, type Burst } from './burst';
import { CONCURRENCY, RUN_TIMEOUT_MS } from './config';
import { CREDENTIALS } from './in-process-worker';
import { countCalls, historyStats, type AwsCall, type CallCount, type HistoryStats } from './measure';
import { resetMoto } from './servers';

export async function withTimeout<T>(what: string, p: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(() => reject(new Error(`${what}: no result after ${timeoutMs} ms`)), timeoutMs)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface KitOptions {
  request: PeeringRequest;
  motoUrl: string;
  /** Starts setups unless told otherwise, and every teardown. */
  client: Client;
  /** The in-process worker's queue, where teardowns run. */
  teardownQueue: string;
}

export type BenchKit = ReturnType<typeof benchKit>;

export function benchKit({ request, motoUrl, client, teardownQueue }: KitOptions) {
  const regions = [request.requester.region, request.accepter.region];
  const warmClients = regions.map((region) => new EC2Client({ region, endpoint: motoUrl, credentials: CREDENTIALS }));

  /** Empty moto, then touch each region once: moto builds a region's default VPC on first use. */
  const fresh = async () => {
    await resetMoto(motoUrl);
    await Promise.all(warmClients.map((c) => c.send(new DescribeVpcsCommand({}))));
  };
  const counted = async <T>(
    sink: AwsCall[],
    fn: () => Promise<T>,
  ): Promise<{ out: T; ms: number; calls: CallCount; list: AwsCall[] }> => {
    const from = sink.length;
    const started = performance.now();
    const out = await fn();
    const list = sink.slice(from);
    return { out, ms: performance.now() - started, calls: countCalls(list), list };
  };
  const timed = async <T>(fn: () => Promise<T>): Promise<{ out: T; ms: number }> => {
    const started = performance.now();
    const out = await fn();
    return { out, ms: performance.now() - started };
  };
  const startSetup = (on: Client, id: string, taskQueue: string) =>
    on.workflow.start<typeof SetupInterRegionPeering>('SetupInterRegionPeering', {
      taskQueue,
      workflowId: id,
      args: [request],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
  const setup = async (
    id: string,
    taskQueue: string,
    on = client,
  ): Promise<{ result: PeeringResult; handle: WorkflowHandle }> => {
    const handle = await startSetup(on, id, taskQueue);
    const result = await withTimeout(`setup ${id}`, handle.result(), RUN_TIMEOUT_MS);
    if (result.status !== 'active') throw new Error(`setup ${id} ended ${result.status}`);
    return { result, handle };
  };
  const teardown = async (setupId: string, taskQueue = teardownQueue): Promise<TeardownResult> => {
    const handle = await client.workflow.start<typeof TeardownInterRegionPeering>('TeardownInterRegionPeering', {
      taskQueue,
      workflowId: `teardown-${setupId}`,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      args: [{ setupWorkflowId: setupId }],
    });
    return withTimeout(`teardown ${setupId}`, handle.result(), RUN_TIMEOUT_MS);
  };
  const events = async (handle: WorkflowHandle): Promise<HistoryStats> => historyStats(await handle.fetchHistory());
  /** CONCURRENCY setups started at once; their handles are pushed to `handles` for the histories. */
  const setupBurst = (on: Client, taskQueue: string, prefix: string, handles: WorkflowHandle[]): Promise<Burst> =>
    burst(CONCURRENCY, async (i) => {
      const handle = await startSetup(on, `${prefix}-${process.pid}-${i}`, taskQueue);
      handles.push(handle);
      return withTimeout(`concurrent setup ${i}`, handle.result(), 900_000);
    });

  return { fresh, counted, timed, setup, teardown, events, setupBurst };
}
