/**
 * `npm run bench`: what durability costs over a plain script, measured in one run against one moto.
 * Starts its own Temporal dev server, moto and worker process on free ports, prints every figure
 * against its target, writes bench/results.json and ends with `targets met: K/N`.
 *
 * BENCH_RUNS (default 10) and BENCH_CONCURRENCY (default 50) shrink it for a quick look; the
 * targets are judged on the defaults.
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAwsClients } from '../src/activities/aws-clients';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { PeeringRequest, PeeringResult, TeardownResult } from '../src/domain/types';
import type { SetupInterRegionPeering, TeardownInterRegionPeering } from '../src/workflows';
import { bareSetup } from './bare-setup';
import { CREDENTIALS, startInProcessWorker } from './in-process-worker';
import {
  callDifference,
  sequenceDifference,
  countCalls,
  historyStats,
  median,
  medianCount,
  summarizeHistories,
  type AwsCall,
  type CallCount,
  type HistoryStats,
  type HistorySummary,
} from './measure';
import { checkTargets, fixed, formatTable, markdownTable, ms, type Row } from './report';
import {
  buildWorker,
  cpuSeconds,
  persistenceErrors,
  resetMoto,
  sampleRss,
  startBenchServers,
  startInMemoryTemporal,
  startWorkerProcess,
} from './servers';

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const REQUEST_FILE = path.join(ROOT, 'examples', 'abc-corp.json');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.json');
const RUN_TIMEOUT_MS = 180_000;

const log = (msg: string) => console.log(`· ${msg}`);

async function withTimeout<T>(what: string, p: Promise<T>, timeoutMs: number): Promise<T> {
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

async function run() {
  const request = JSON.parse(fs.readFileSync(REQUEST_FILE, 'utf8')) as PeeringRequest;
  const loadBefore = os.loadavg();
  log(`starting a Temporal dev server and moto on free ports; compiling src/ to lib/ for the worker process`);
  const [servers, build] = await Promise.all([startBenchServers(), buildWorker()]);
  if (build.typeErrors) console.warn(`tsc reported type errors (the JS was emitted and is used):\n${build.typeErrors}`);
  const { temporal, moto } = servers;
  log(`Temporal ${temporal.address}, moto ${moto.url}, worker build ${build.ms} ms`);

  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const inProc = await startInProcessWorker({
    temporalAddress: temporal.address,
    motoUrl: moto.url,
    taskQueue: `bench-inproc-${process.pid}`,
    client,
  });
  const workerProc = await startWorkerProcess({
    temporalAddress: temporal.address,
    motoUrl: moto.url,
    taskQueue: `bench-proc-${process.pid}`,
  });
  log(`worker process ${workerProc.pid}: ${workerProc.readyLine}`);
  const bareCalls: AwsCall[] = [];
  const bareAws = createAwsClients({
    clientConfig: { endpoint: moto.url, credentials: CREDENTIALS },
    observers: [(c) => bareCalls.push(c)],
  });
  const regions = [request.requester.region, request.accepter.region];
  const warmClients = regions.map((region) => new EC2Client({ region, endpoint: moto.url, credentials: CREDENTIALS }));

  /** Empty moto, then touch each region once: moto builds a region's default VPC on first use. */
  const fresh = async () => {
    await resetMoto(moto.url);
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
  const teardown = async (setupId: string): Promise<TeardownResult> => {
    const handle = await client.workflow.start<typeof TeardownInterRegionPeering>('TeardownInterRegionPeering', {
      taskQueue: inProc.taskQueue,
      workflowId: `teardown-${setupId}`,
      args: [{ setupWorkflowId: setupId }],
    });
    return withTimeout(`teardown ${setupId}`, handle.result(), RUN_TIMEOUT_MS);
  };
  const events = async (handle: WorkflowHandle) => historyStats(await handle.fetchHistory());

  log('warming up: one bare setup, one setup on each worker (not measured)');
  await fresh();
  await bareSetup(bareAws, request, `bench-warm-bare-${process.pid}`);
  await setup(`bench-warm-inproc-${process.pid}`, inProc.taskQueue);
  await setup(`bench-warm-proc-${process.pid}`, workerProc.taskQueue);
  bareCalls.length = 0;

  const a: number[] = [];
  const aParallel: number[] = [];
  const b: number[] = [];
  const bInProcess: number[] = [];
  const bareSteps: Array<Record<string, number>> = [];
  const bareCounts: CallCount[] = [];
  const freshCounts: CallCount[] = [];
  const rerunCounts: CallCount[] = [];
  const teardownCounts: CallCount[] = [];
  const orderDifferences = new Set<string>();
  const freshHistories: HistoryStats[] = [];
  const rerunHistories: HistoryStats[] = [];
  const rerunMs: number[] = [];
  const teardownMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await fresh();
    const bare = await counted(bareCalls, () => bareSetup(bareAws, request, `bench-bare-${process.pid}-${i}`));
    a.push(bare.ms);
    bareSteps.push(bare.out.steps);
    bareCounts.push(bare.calls);

    await fresh();
    aParallel.push(
      (await timed(() => bareSetup(bareAws, request, `bench-bare-par-${process.pid}-${i}`, { parallelSides: true })))
        .ms,
    );

    // (b) and (e) on the production worker process, as users run it.
    await fresh();
    const flow = await timed(() => setup(`bench-setup-${process.pid}-${i}`, workerProc.taskQueue));
    b.push(flow.ms);
    freshHistories.push(await events(flow.out.handle));

    // (d) on the in-process worker, whose AWS clients count every call.
    await fresh();
    const id = `bench-counted-${process.pid}-${i}`;
    const first = await counted(inProc.calls, () => setup(id, inProc.taskQueue));
    bInProcess.push(first.ms);
    freshCounts.push(first.calls);
    for (const d of sequenceDifference(bare.list, first.list)) orderDifferences.add(d);

    // The same workflow id again: its setup-id tag finds everything the first run made.
    const again = await counted(inProc.calls, () => setup(id, inProc.taskQueue));
    if (again.out.result.peeringConnectionId !== first.out.result.peeringConnectionId) {
      throw new Error(
        `re-run of ${id} made a new peering ${again.out.result.peeringConnectionId}, not ${first.out.result.peeringConnectionId}`,
      );
    }
    rerunMs.push(again.ms);
    rerunCounts.push(again.calls);
    rerunHistories.push(await events(again.out.handle));

    const down = await counted(inProc.calls, () => teardown(id));
    if (down.out.deleted.length === 0) throw new Error(`teardown of ${id} deleted nothing`);
    teardownMs.push(down.ms);
    teardownCounts.push(down.calls);
    log(
      `run ${i + 1}/${RUNS}: bare ${ms(bare.ms)} (sides in parallel ${ms(aParallel.at(-1)!)}), setup ${ms(flow.ms)} ` +
        `(in-process ${ms(first.ms)}), re-run ${ms(again.ms)}, teardown ${ms(down.ms)}; calls ${first.calls.total}/${again.calls.total}/${down.calls.total}`,
    );
  }

  const processes = { moto: moto.pid, temporal: temporal.pid, worker: workerProc.pid, bench: process.pid };
  /** CPU seconds each process used during `fn`: on 2 cores, who competes with moto. */
  const cpuDuring = async <T>(
    fn: () => Promise<T>,
    pids: Record<string, number> = processes,
  ): Promise<T & { cpuSeconds: Record<string, number> }> => {
    const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
    const out = await fn();
    return {
      ...out,
      cpuSeconds: Object.fromEntries(
        Object.entries(pids).map(([k, pid]) => [k, Math.round((cpuSeconds(pid) - before[k]!) * 100) / 100]),
      ),
    };
  };
  const setupBurst = (on: Client, taskQueue: string, prefix: string, handles: WorkflowHandle[]) =>
    burst(CONCURRENCY, async (i) => {
      const handle = await startSetup(on, `${prefix}-${process.pid}-${i}`, taskQueue);
      handles.push(handle);
      return withTimeout(`concurrent setup ${i}`, handle.result(), 900_000);
    });

  log(`(c) ${CONCURRENCY} bare setups at once`);
  await fresh();
  const bareBurst = await cpuDuring(() =>
    burst(CONCURRENCY, (i) => bareSetup(bareAws, request, `bench-c-bare-${process.pid}-${i}`)),
  );

  log(`(c) ${CONCURRENCY} SetupInterRegionPeering at once on the worker process (pid ${workerProc.pid})`);
  await fresh();
  const rssWindow = sampleRss(workerProc.pid);
  const burstHandles: WorkflowHandle[] = [];
  const storeErrorsBefore = persistenceErrors(temporal.logFile);
  const flowBurst = await cpuDuring(() => setupBurst(client, workerProc.taskQueue, 'bench-c-setup', burstHandles));
  const storeErrors = persistenceErrors(temporal.logFile) - storeErrorsBefore;
  const rss = rssWindow.stop();
  const flowHistory = summarizeHistories(await Promise.all(burstHandles.map(events)));

  await inProc.shutdown();
  await workerProc.stop();

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
    () => setupBurst(memoryClient, memoryWorker.taskQueue, 'bench-c-mem', memoryHandles),
    {
      moto: moto.pid,
      temporal: memory.pid,
      worker: memoryWorker.pid,
      bench: process.pid,
    },
  );
  const memoryRss = memoryRssWindow.stop();
  const memoryHistory = summarizeHistories(await Promise.all(memoryHandles.map(events)));
  const memoryStoreErrors = persistenceErrors(memory.logFile);
  await memoryWorker.stop();
  await memoryConnection.close();
  await memory.stop();

  await connection.close();
  await servers.stop();
  const loadAfter = os.loadavg();

  // ---- figures ----
  const aMed = median(a);
  const bMed = median(b);
  const ratio = bMed / aMed;
  const throughputRatio = flowBurst.perSecond / bareBurst.perSecond;
  const freshCalls = medianCount(freshCounts);
  const rerun = medianCount(rerunCounts);
  const down = medianCount(teardownCounts);
  const bare = medianCount(bareCounts);
  const historyEvents = median(freshHistories.map((h) => h.events));
  const targets = checkTargets({
    ratio,
    throughputRatio,
    freshCalls: freshCalls.total,
    rerunCalls: rerun.total,
    rerunMutations: rerun.mutating,
    historyEvents,
    workerRssMb: rss.peakMb,
  });
  const met = (figure: string) => targets.find((t) => t.figure === figure)!;
  const range = (xs: number[]) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
  const calls = (c: CallCount) => `${c.total} (${c.mutating} mutating, ${c.readOnly} read)`;
  const rows: Row[] = [
    { figure: `(a) bare script, sequential, median of ${RUNS}`, measured: `${ms(aMed)} (${range(a)})` },
    { figure: `    bare script, sides in parallel (info)`, measured: `${ms(median(aParallel))} (${range(aParallel)})` },
    { figure: `(b) SetupInterRegionPeering, median of ${RUNS}`, measured: `${ms(bMed)} (${range(b)})` },
    {
      figure: `    same on the in-process counting worker (info)`,
      measured: `${ms(median(bInProcess))} (${range(bInProcess)})`,
    },
    { figure: 'b/a', measured: fixed(ratio), target: met('b/a').target, met: met('b/a').met },
    {
      figure: `    (b) on an in-memory dev server (info)`,
      measured: `${ms(median(bMemory))}, b/a ${fixed(median(bMemory) / aMed)}`,
    },
    {
      figure: `(c) ${CONCURRENCY} bare scripts at once`,
      measured: `${fixed(bareBurst.seconds, 1)} s, ${fixed(bareBurst.perSecond)}/s`,
    },
    {
      figure: `(c) ${CONCURRENCY} setups at once, one worker`,
      measured: `${fixed(flowBurst.seconds, 1)} s, ${fixed(flowBurst.perSecond)}/s`,
    },
    {
      figure: 'throughput ratio (c)',
      measured: fixed(throughputRatio),
      target: met('throughput ratio (c)').target,
      met: met('throughput ratio (c)').met,
    },
    {
      figure: `    ${CONCURRENCY} setups, in-memory dev server (info)`,
      measured: `${fixed(memoryBurst.seconds, 1)} s, ratio ${fixed(memoryBurst.perSecond / bareBurst.perSecond)}`,
    },
    {
      figure: '(d) EC2 calls per fresh setup',
      measured: calls(freshCalls),
      target: met('EC2 calls per fresh setup').target,
      met: met('EC2 calls per fresh setup').met,
    },
    {
      figure: '(d) EC2 calls per re-run',
      measured: calls(rerun),
      target: met('re-run').target,
      met: met('re-run').met,
    },
    { figure: '(d) EC2 calls per teardown', measured: calls(down) },
    {
      figure: '(e) history events per setup',
      measured: String(historyEvents),
      target: met('history events per setup').target,
      met: met('history events per setup').met,
    },
    { figure: '    history events per re-run (info)', measured: String(median(rerunHistories.map((h) => h.events))) },
    {
      figure: '(f) worker peak RSS during (c)',
      measured: `${fixed(rss.peakMb, 1)} MB`,
      target: met('worker RSS during (c)').target,
      met: met('worker RSS during (c)').met,
    },
    { figure: '    same, (c) on the in-memory dev server (info)', measured: `${fixed(memoryRss.peakMb, 1)} MB` },
  ];

  // ---- where the figures come from ----
  const stepNames = Object.keys(bareSteps[0] ?? {});
  const setupHistory = summarizeHistories(freshHistories);
  const diagnostics = {
    bareCallsMatchWorkflow: callDifference(bare, freshCalls),
    bareCallOrderMatchesWorkflow: [...orderDifferences],
    bareStepsMs: Object.fromEntries(stepNames.map((s) => [s, Math.round(median(bareSteps.map((x) => x[s] ?? 0)))])),
    setupHistory,
    concurrentHistory: flowHistory,
    concurrentInMemoryHistory: memoryHistory,
    rerunHistoryEventsByType: summarizeHistories(rerunHistories).eventsByType,
    callsByOperation: {
      bare: bare.byOperation,
      fresh: freshCalls.byOperation,
      rerun: rerun.byOperation,
      teardown: down.byOperation,
    },
    rerunMs: Math.round(median(rerunMs)),
    teardownMs: Math.round(median(teardownMs)),
    concurrent: {
      bare: bareBurst,
      workflow: flowBurst,
      inMemoryServer: memoryBurst,
      rss,
      storeErrors,
      memoryStoreErrors,
    },
  };

  console.log(
    `\nVPC peering bench — ${request.requester.region} ↔ ${request.accepter.region}, ${request.allow.length} allow rules (${path.relative(ROOT, REQUEST_FILE)}), moto, ${os.cpus().length} CPUs, load ${loadBefore.map((l) => l.toFixed(1)).join(' ')}\n`,
  );
  console.log(formatTable(rows));
  console.log('\nWhere the figures come from (medians):');
  console.log(
    `  bare steps (ms): ${Object.entries(diagnostics.bareStepsMs)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  const describeHistory = (h: HistorySummary) => {
    console.log(
      `    ${h.durationMs} ms first to last event (max ${h.maxDurationMs}); ${h.activities} activities; ${h.workflowTasks} workflow tasks, ${h.workflowTaskMs} ms in them of which ${h.workflowTaskQueuedMs} ms queued; ${h.idleMs} ms with no activity scheduled or running`,
    );
    for (const [name, t] of Object.entries(h.activityTimes))
      console.log(`      ${name} ×${t.count}: queued ${t.queuedMs} ms (max ${t.maxQueuedMs}), ran ${t.runMs} ms`);
    console.log(
      `      events: ${Object.entries(h.eventsByType)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    const failures = Object.entries(h.failureEvents).filter(([, v]) => v > 0);
    if (failures.length)
      console.log(
        `      timeouts and failures over all ${h.runs} runs: ${failures.map(([k, v]) => `${k} ${v}`).join(', ')}`,
      );
  };
  console.log('  one setup at a time:');
  describeHistory(setupHistory);
  console.log(`  ${CONCURRENCY} at once (c):`);
  describeHistory(flowHistory);
  console.log(
    `    the dev server logged ${storeErrors} failed or timed-out store operations (its SQLite file) during this burst; failed tasks are retried after a backoff`,
  );
  console.log(`  ${CONCURRENCY} at once (c) on the in-memory dev server (${memoryStoreErrors} store errors):`);
  describeHistory(memoryHistory);
  console.log(
    `  calls per fresh setup: ${Object.entries(freshCalls.byOperation)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log(
    `  calls per re-run: ${Object.entries(rerun.byOperation)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log(
    diagnostics.bareCallsMatchWorkflow.length
      ? `  WARNING: the bare script no longer issues the workflow's calls (bare vs workflow): ${diagnostics.bareCallsMatchWorkflow.join('; ')}`
      : "  the bare script issued exactly the workflow's EC2 calls per fresh setup",
  );
  console.log(
    diagnostics.bareCallOrderMatchesWorkflow.length
      ? `  WARNING: the bare script's calls come in another order than the workflow's (bare vs workflow): ${diagnostics.bareCallOrderMatchesWorkflow.join('; ')}`
      : `  ...in the same order within each region, in all ${RUNS} runs`,
  );
  const cpu = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  console.log(
    `  CPU seconds during (c): bare burst: ${cpu(bareBurst.cpuSeconds)}; workflow burst: ${cpu(flowBurst.cpuSeconds)}; on the in-memory server: ${cpu(memoryBurst.cpuSeconds)}`,
  );
  console.log(
    `  worker RSS: ${rss.startMb} MB before (c), peak ${rss.peakMb} MB (sampled ${rss.sampledPeakMb}, VmHWM ${rss.hwmPeakMb ?? 'n/a'}); on the in-memory dev server ${memoryRss.startMb} MB before, peak ${memoryRss.peakMb} MB`,
  );
  const failed = bareBurst.failed + flowBurst.failed + memoryBurst.failed;
  if (failed)
    console.log(
      `  WARNING: ${failed} setups failed in (c): ${[...bareBurst.errors, ...flowBurst.errors, ...memoryBurst.errors].slice(0, 3).join(' | ')}`,
    );

  const metCount = targets.filter((t) => t.met).length;
  fs.writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        command: 'npm run bench',
        machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadBefore, loadAfter },
        config: {
          runs: RUNS,
          concurrency: CONCURRENCY,
          request: path.relative(ROOT, REQUEST_FILE),
          workerProcess:
            'node lib/src/worker.js (tsc build, lib/workflow-bundle.js, MALLOC_ARENA_MAX=2, --max-semi-space-size=4)',
          workerReady: workerProc.readyLine,
        },
        figures: {
          bareMs: { median: aMed, runs: a },
          bareParallelSidesMs: { median: median(aParallel), runs: aParallel },
          setupMs: { median: bMed, runs: b },
          setupInProcessWorkerMs: { median: median(bInProcess), runs: bInProcess },
          setupInMemoryServerMs: { median: median(bMemory), runs: bMemory },
          ratio,
          concurrent: { bare: bareBurst, workflow: flowBurst, throughputRatio, inMemoryServer: memoryBurst },
          calls: { fresh: freshCalls, rerun, teardown: down, bare },
          historyEvents: { setup: historyEvents, rerun: median(rerunHistories.map((h) => h.events)) },
          workerRss: rss,
          workerRssInMemoryServer: memoryRss,
        },
        targets,
        targetsMet: `${metCount}/${targets.length}`,
        diagnostics,
        table: markdownTable(rows),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${path.relative(ROOT, RESULTS_FILE)}`);
  console.log(`targets met: ${metCount}/${targets.length}`);
}

interface Burst {
  count: number;
  failed: number;
  seconds: number;
  perSecond: number;
  latencyMs: { median: number; max: number };
  errors: string[];
}

/** Starts `count` jobs at once; throughput is completed jobs over the wall time of the whole burst. */
async function burst(count: number, job: (i: number) => Promise<unknown>): Promise<Burst> {
  const started = performance.now();
  const latencies: number[] = [];
  const results = await Promise.allSettled(
    Array.from({ length: count }, async (_, i) => {
      await job(i);
      latencies.push(performance.now() - started);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const errors = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => String((r.reason as Error)?.message ?? r.reason));
  const ok = count - errors.length;
  return {
    count,
    failed: errors.length,
    seconds,
    perSecond: ok / seconds,
    latencyMs: { median: Math.round(median(latencies)), max: Math.round(Math.max(...latencies)) },
    errors,
  };
}

// Exit explicitly: idle keep-alive sockets of the SDK clients would otherwise hold the process open.
run().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
