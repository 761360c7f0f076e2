/**
 * (c) CONCURRENCY setups at once: bare scripts, then workflows on the worker process, with its
 * resident memory (f), the dev server's store errors and each process's CPU meanwhile.
 */
import { type Client, type WorkflowHandle } from '@temporalio/client';
import type { AwsClients } from '../src/activities/aws/clients';
import type { PeeringRequest } from '../src/domain/peering/types';
import { bareSetup } from './bare-setup';
import { burst, cpuDuring, type Burst, type WithCpu } from './burst';
import { CONCURRENCY, log } from './config';
import type { BenchKit } from './kit';
import { summarizeHistories, type HistorySummary } from './measure';
import { persistenceErrors, sampleRss, type RssSample } from './servers';

export interface Concurrent {
  bareBurst: WithCpu<Burst>;
  flowBurst: WithCpu<Burst>;
  /** Failed or timed-out store operations the dev server logged during the workflow burst. */
  storeErrors: number;
  rss: RssSample;
  flowHistory: HistorySummary;
}

export interface ConcurrentOptions {
  kit: BenchKit;
  request: PeeringRequest;
  bareAws: AwsClients;
  client: Client;
  workerProc: { pid: number; taskQueue: string };
  temporal: { pid: number; logFile: string };
  motoPid: number;
  /** More server processes whose CPU to report (the cluster's other nodes, PostgreSQL). */
  servers?: Record<string, number>;
}

export async function runConcurrent(o: ConcurrentOptions): Promise<Concurrent> {
  const { kit, request, bareAws, workerProc, temporal } = o;
  const processes = {
    moto: o.motoPid,
    temporal: temporal.pid,
    ...o.servers,
    worker: workerProc.pid,
    bench: process.pid,
  };

  log(`(c) ${CONCURRENCY} bare setups at once`);
  await kit.fresh();
  const bareBurst = await cpuDuring(processes, () =>
    burst(CONCURRENCY, (i) => bareSetup(bareAws, request, `bench-c-bare-${process.pid}-${i}`)),
  );

  log(`(c) ${CONCURRENCY} SetupInterRegionPeering at once on the worker process (pid ${workerProc.pid})`);
  await kit.fresh();
  const rssWindow = sampleRss(workerProc.pid);
  const handles: WorkflowHandle[] = [];
  const storeErrorsBefore = persistenceErrors(temporal.logFile);
  const flowBurst = await cpuDuring(processes, () =>
    kit.setupBurst(o.client, workerProc.taskQueue, 'bench-c-setup', handles),
  );
  const storeErrors = persistenceErrors(temporal.logFile) - storeErrorsBefore;
  const rss = rssWindow.stop();
  const flowHistory = summarizeHistories(await Promise.all(handles.map(kit.events)));
  return { bareBurst, flowBurst, storeErrors, rss, flowHistory };
}
