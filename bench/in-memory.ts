/**
 * (b) and (c) again on a second dev server that keeps its state in memory: not durable, so only
 * for information, it shows what the SQLite file costs.
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { cpuDuring, type Burst, type WithCpu } from './burst';
import { RUNS, log } from './config';
import type { BenchKit } from './kit';
import { summarizeHistories, type HistorySummary } from './measure';
import { persistenceErrors, sampleRss, startInMemoryTemporal, startWorkerProcess, type RssSample } from './servers';

export interface InMemory {
  bMemory: number[];
  memoryBurst: WithCpu<Burst>;
  memoryRss: RssSample;
  memoryHistory: HistorySummary;
  memoryStoreErrors: number;
}

export async function runInMemory(kit: BenchKit, moto: { url: string; pid: number }): Promise<InMemory> {
  const { fresh, timed, setup } = kit;
  log(`(b) and (c) again on a second dev server that keeps its state in memory (info: what its SQLite file costs)`);
  const memory = await startInMemoryTemporal();
  const memoryConnection = await Connection.connect({ address: memory.address });
  const memoryClient = new Client({ connection: memoryConnection });
  const memoryWorker = await startWorkerProcess({
    temporalAddress: memory.address,
    motoUrl: moto.url,
    taskQueue: `bench-mem-${process.pid}`,
    name: 'worker-memory',
  });
  await fresh();
  await setup(`bench-warm-mem-${process.pid}`, memoryWorker.taskQueue, memoryClient);
  const bMemory: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await fresh();
    bMemory.push((await timed(() => setup(`bench-mem-${process.pid}-${i}`, memoryWorker.taskQueue, memoryClient))).ms);
  }
  await fresh();
  const memoryHandles: WorkflowHandle[] = [];
  const memoryRssWindow = sampleRss(memoryWorker.pid);
  const memoryBurst = await cpuDuring(
    {
      moto: moto.pid,
      temporal: memory.pid,
      worker: memoryWorker.pid,
      bench: process.pid,
    },
    () => kit.setupBurst(memoryClient, memoryWorker.taskQueue, 'bench-c-mem', memoryHandles),
  );
  const memoryRss = memoryRssWindow.stop();
  const memoryHistory = summarizeHistories(await Promise.all(memoryHandles.map(kit.events)));
  const memoryStoreErrors = persistenceErrors(memory.logFile);
  await memoryWorker.stop();
  await memoryConnection.close();
  await memory.stop();
  return { bMemory, memoryBurst, memoryRss, memoryHistory, memoryStoreErrors };
}
