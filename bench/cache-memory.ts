/**
 * Memory per cached workflow: N setups held open at once in the worker's cache (the proxy keeps
 * each peering `provisioning`, so every setup waits in its poll activity, its workflow cached), and
 * the worker process's RSS and its workflow thread's heap before and while they are held. Each
 * reading is the median of READINGS probe readings, each taken after a full GC of both the main
 * thread and the workflow thread (bench/probe/), so that neither counts garbage. The difference
 * over N is what one more running setup costs (its cached workflow and its running poll
 * activity), which a worker holding a few hundred (one mesh of 45 pairs is 46) pays N times.
 *
 * Standalone: `npx ts-node --transpile-only bench/cache-memory.ts [N]` starts its own servers
 * (BENCH_BUILD=0 reuses lib/ as it is; BENCH_SNAPSHOT=dir also writes heap snapshots of the
 * workflow thread, before and held, for a heap-snapshot comparison).
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PeeringRequest } from '../src/domain/peering/types';
import type { SetupInterRegionPeering } from '../src/workflows';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy';
import { waitFor } from '../harness/stack';
import { REQUEST_FILE, log } from './config';
import { benchKit, type BenchKit } from './kit';
import { median } from './measure';
import type { ProbeClient } from './probe/probe-client';
import type { ProbeStatus } from './probe/worker-probe';
import { buildWorker, startBenchServers, startWorkerProcess } from './servers';

export interface CacheMemory {
  held: number;
  /** Warmed up by one setup, nothing cached. */
  before: ProbeStatus;
  /** `held` setups in the cache. */
  during: ProbeStatus;
  perWorkflow: { rssMb: number; heapMb: number };
  snapshots?: { before: string; during: string };
}

const perWorkflow = (a: number, b: number, n: number) => Math.round(((b - a) / n) * 1000) / 1000;

/** Probe readings per figure, 1 s apart: each after a full GC; their median per field is the figure. */
const READINGS = 5;

/** The median, field by field, of READINGS readings after a full GC (threads by position). */
export async function settledStatus(probe: ProbeClient): Promise<ProbeStatus> {
  const all: ProbeStatus[] = [];
  for (let i = 0; i < READINGS; i++) {
    if (i) await new Promise((r) => setTimeout(r, 1_000));
    all.push(await probe.status(true));
  }
  const field = (f: (s: ProbeStatus) => number | undefined) => {
    const xs = all.map(f).filter((x): x is number => x !== undefined);
    return xs.length ? Math.round(median(xs) * 10) / 10 : undefined;
  };
  const first = all[0]!;
  // Before the first GC only: the later readings follow a GC a second earlier.
  const beforeGc = first.mainHeapUsedBeforeGcMb;
  return {
    rssMb: field((s) => s.rssMb)!,
    mainHeapUsedMb: field((s) => s.mainHeapUsedMb)!,
    ...(beforeGc === undefined ? {} : { mainHeapUsedBeforeGcMb: beforeGc }),
    mainHeapTotalMb: field((s) => s.mainHeapTotalMb)!,
    mainExternalMb: field((s) => s.mainExternalMb)!,
    cachedWorkflows: field((s) => s.cachedWorkflows)!,
    threads: first.threads.map((_, t) => ({
      usedMb: field((s) => s.threads[t]?.usedMb)!,
      totalMb: field((s) => s.threads[t]?.totalMb)!,
      externalMb: field((s) => s.threads[t]?.externalMb)!,
    })),
  };
}

export async function cachedWorkflowMemory(o: {
  kit: BenchKit;
  client: Client;
  request: PeeringRequest;
  temporalAddress: string;
  proxy: FaultProxy;
  held: number;
  /** The compiled worker to run. @default lib/src/worker.js */
  entry?: string;
  name?: string;
  snapshotDir?: string;
}): Promise<CacheMemory> {
  const name = o.name ?? 'worker-cache';
  const worker = await startWorkerProcess({
    temporalAddress: o.temporalAddress,
    motoUrl: o.proxy.url,
    taskQueue: `bench-${name}-${process.pid}`,
    name,
    probe: true,
    ...(o.entry ? { entry: o.entry } : {}),
  });
  const probe = worker.probe!;
  const handles: WorkflowHandle[] = [];
  try {
    await o.kit.fresh();
    await o.kit.setup(`bench-${name}-warm-${process.pid}`, worker.taskQueue);
    await o.kit.fresh();
    await waitFor(async () => (await probe.status()).cachedWorkflows === 0, {
      what: 'the warm-up setup to leave the cache',
      timeoutMs: 30_000,
    });
    const before = await settledStatus(probe);
    const snapshot = async (label: string) => {
      if (!o.snapshotDir) return undefined;
      const file = path.join(o.snapshotDir, `${name}-${label}.heapsnapshot`);
      await probe.snapshot(file);
      return file;
    };
    const snapBefore = await snapshot('before');
    o.proxy.resetStats();
    o.proxy.setRules([{ id: 'hold-provisioning', kind: 'peering-provisioning', seconds: 600 }]);
    log(`(f) ${o.held} setups held in the cache of worker ${worker.pid} (each peering kept provisioning)`);
    for (let i = 0; i < o.held; i++) {
      handles.push(
        await o.client.workflow.start<typeof SetupInterRegionPeering>('SetupInterRegionPeering', {
          taskQueue: worker.taskQueue,
          workflowId: `bench-${name}-${process.pid}-${i}`,
          args: [o.request],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        }),
      );
    }
    await waitFor(async () => (o.proxy.stats().byAction.AcceptVpcPeeringConnection ?? 0) >= o.held, {
      what: `${o.held} setups waiting for their peering`,
      timeoutMs: 300_000,
    });
    // Each is in its poll activity now; a last workflow task may still be on its way.
    await new Promise((r) => setTimeout(r, 2_000));
    const during = await settledStatus(probe);
    const snapDuring = await snapshot('during');
    const heap = (s: ProbeStatus) => s.threads.reduce((sum, t) => sum + t.usedMb, 0);
    return {
      held: o.held,
      before,
      during,
      perWorkflow: {
        rssMb: perWorkflow(before.rssMb, during.rssMb, during.cachedWorkflows),
        heapMb: perWorkflow(heap(before), heap(during), during.cachedWorkflows),
      },
      ...(snapBefore && snapDuring ? { snapshots: { before: snapBefore, during: snapDuring } } : {}),
    };
  } finally {
    o.proxy.clearRules();
    await Promise.allSettled(handles.map((h) => h.terminate('bench: memory measured')));
    await worker.stop();
  }
}

async function main(): Promise<void> {
  const held = Number(process.argv[2] ?? 50);
  const request = JSON.parse(fs.readFileSync(REQUEST_FILE, 'utf8')) as PeeringRequest;
  const [servers] = await Promise.all([
    startBenchServers(),
    process.env.BENCH_BUILD === '0' ? Promise.resolve() : buildWorker(),
  ]);
  const proxy = await startFaultProxy({ target: servers.moto.url });
  const connection = await Connection.connect({ address: servers.temporal.address });
  const client = new Client({ connection });
  try {
    const kit = benchKit({ request, motoUrl: servers.moto.url, client, teardownQueue: 'unused' });
    const snapshotDir = process.env.BENCH_SNAPSHOT;
    if (snapshotDir) fs.mkdirSync(snapshotDir, { recursive: true });
    const m = await cachedWorkflowMemory({
      kit,
      client,
      request,
      temporalAddress: servers.temporal.address,
      proxy,
      held,
      ...(snapshotDir ? { snapshotDir } : {}),
    });
    console.log(JSON.stringify(m, null, 2));
  } finally {
    await connection.close();
    await proxy.close();
    await servers.stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
