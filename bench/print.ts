/** The bench's output: the table and where its figures come from on the console, and bench/results.json. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PeeringRequest } from '../src/domain/peering/types';
import { CONCURRENCY, REQUEST_FILE, RESULTS_FILE, ROOT, RUNS } from './config';
import type { Figures, Measurements } from './figures';
import { type HistorySummary } from './measure';
import type { BundleComposition } from './memory';
import { formatTable, markdownTable } from './report';
import { WORKER_NODE_OPTIONS } from './servers';

const pairs = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

function describeHistory(h: HistorySummary): void {
  console.log(
    `    ${h.durationMs} ms first to last event (max ${h.maxDurationMs}); ${h.activities} activities; ${h.workflowTasks} workflow tasks, ${h.workflowTaskMs} ms in them of which ${h.workflowTaskQueuedMs} ms queued; ${h.idleMs} ms with no activity scheduled or running`,
  );
  for (const [name, t] of Object.entries(h.activityTimes))
    console.log(`      ${name} ×${t.count}: queued ${t.queuedMs} ms (max ${t.maxQueuedMs}), ran ${t.runMs} ms`);
  console.log(`      events: ${pairs(h.eventsByType)}`);
  const failures = Object.entries(h.failureEvents).filter(([, v]) => v > 0);
  if (failures.length)
    console.log(
      `      timeouts and failures over all ${h.runs} runs: ${failures.map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );
}

export function printReport(f: Figures, m: Measurements, request: PeeringRequest, loadBefore: number[]) {
  const { diagnostics } = f;
  const c = m.concurrent;
  const k = m.cluster.concurrent;
  console.log(
    `\nVPC peering bench — ${request.requester.region} ↔ ${request.accepter.region}, ${request.allow.length} allow rules (${path.relative(ROOT, REQUEST_FILE)}), moto, ${os.cpus().length} CPUs, load ${loadBefore.map((l) => l.toFixed(1)).join(' ')}\n`,
  );
  console.log(formatTable(f.rows));
  console.log('\nWhere the figures come from (medians):');
  console.log(`  bare steps (ms): ${pairs(diagnostics.bareStepsMs)}`);
  console.log('  one setup at a time, dev server:');
  describeHistory(diagnostics.setupHistory);
  console.log(`  ${CONCURRENCY} at once, dev server (${c.storeErrors} failed or timed-out store operations logged):`);
  describeHistory(c.flowHistory);
  console.log(`  ${CONCURRENCY} at once, cluster on PostgreSQL:`);
  describeHistory(k.flowHistory);
  console.log(
    `  realistic profile, one setup at a time on the dev server (the bare script's steps, sides in parallel: ${pairs(m.realistic.bareParallelStepsMs)}):`,
  );
  describeHistory(m.realistic.setupHistory);
  console.log(`  calls per fresh setup: ${pairs(f.freshCalls.byOperation)}`);
  console.log(`  calls per re-run: ${pairs(f.rerun.byOperation)}`);
  console.log(
    diagnostics.bareCallsMatchWorkflow.length || diagnostics.bareCallOrderMatchesWorkflow.length
      ? `  WARNING: the bare script no longer issues the workflow's calls in its order: ${[...diagnostics.bareCallsMatchWorkflow, ...diagnostics.bareCallOrderMatchesWorkflow].join('; ')}`
      : `  the bare script issued exactly the workflow's EC2 calls, in the same order within each region, in all ${RUNS} runs`,
  );
  console.log(
    `  CPU seconds during (c): dev bare burst: ${pairs(c.bareBurst.cpuSeconds)}; dev workflow burst: ${pairs(c.flowBurst.cpuSeconds)}; cluster workflow burst: ${pairs(k.flowBurst.cpuSeconds)}`,
  );
  const perSetup = (cpu: Record<string, number>) => ((cpu.worker ?? NaN) / CONCURRENCY).toFixed(3);
  console.log(
    `  worker CPU seconds per setup during (c): dev ${perSetup(c.flowBurst.cpuSeconds)}, cluster ${perSetup(k.flowBurst.cpuSeconds)}; the bare script's process: ${((c.bareBurst.cpuSeconds.bench ?? NaN) / CONCURRENCY).toFixed(3)}`,
  );
  const per = (x: { startMb: number; peakMb: number }) => ((x.peakMb - x.startMb) / CONCURRENCY).toFixed(2);
  console.log(
    `  worker RSS: dev ${c.rss.startMb} → ${c.rss.peakMb} MB, cluster ${k.rss.startMb} → ${k.rss.peakMb} MB (${per(c.rss)} and ${per(k.rss)} MB per running setup); SDK-default bundle ${m.sdkDefaults.rss.startMb} → ${m.sdkDefaults.rss.peakMb} MB (${per(m.sdkDefaults.rss)} MB per running setup)`,
  );
  const top = (b: BundleComposition) =>
    Object.entries(b.byPackageKb)
      .slice(0, 5)
      .map(([name, kb]) => `${name} ${kb} KB`)
      .join(', ');
  console.log(
    `  workflow bundle ${diagnostics.bundle.file}: ${diagnostics.bundle.codeKb} KB of code + ${diagnostics.bundle.sourceMapKb} KB source map; ${top(diagnostics.bundle)}; with the SDK's defaults: ${m.sdkDefaults.composition.codeKb} KB + ${m.sdkDefaults.composition.sourceMapKb} KB`,
  );
  for (const line of diagnostics.failoverSteps) console.log(`  ${line}`);
  console.log(
    `  realistic profile: ${diagnostics.realisticDrawnMedianMs.calls} calls delayed, median ${diagnostics.realisticDrawnMedianMs.reads} ms (reads) and ${diagnostics.realisticDrawnMedianMs.writes} ms (writes) before the Atlantic round trip`,
  );
  const failed = c.bareBurst.failed + c.flowBurst.failed + k.bareBurst.failed + k.flowBurst.failed;
  if (failed)
    console.log(
      `  WARNING: ${failed} setups failed in (c): ${[...c.flowBurst.errors, ...k.flowBurst.errors].slice(0, 3).join(' | ')}`,
    );
}

export interface RunInfo {
  loadBefore: number[];
  loadAfter: number[];
  /** What the worker process printed when it was ready. */
  workerReady: string;
  seconds: number;
}

/** Writes bench/results.json; returns `met/total` of the targets. */
export function writeResults(f: Figures, m: Measurements, run: RunInfo): string {
  const metCount = f.targets.filter((t) => t.met).length;
  const terraform =
    'rounds' in m.terraform ? { version: m.terraform.version, rounds: m.terraform.rounds } : m.terraform;
  fs.writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        command: 'npm run bench',
        seconds: run.seconds,
        machine: {
          cpus: os.cpus().length,
          model: os.cpus()[0]?.model,
          node: process.version,
          loadBefore: run.loadBefore,
          loadAfter: run.loadAfter,
        },
        config: {
          runs: RUNS,
          concurrency: CONCURRENCY,
          request: path.relative(ROOT, REQUEST_FILE),
          workerProcess: `node lib/src/worker.js (npm run build, lib/workflow-bundle.js, MALLOC_ARENA_MAX=2, ${WORKER_NODE_OPTIONS})`,
          workerReady: run.workerReady,
        },
        ratios: f.ratios,
        measurements: { ...m, terraform },
        targets: f.targets,
        targetsMet: `${metCount}/${f.targets.length}`,
        diagnostics: f.diagnostics,
        table: markdownTable(f.rows),
      },
      (_key, value: unknown) => (value instanceof Set ? [...value] : value),
      2,
    )}\n`,
  );
  console.log(`\nwrote ${path.relative(ROOT, RESULTS_FILE)}`);
  return `${metCount}/${f.targets.length}`;
}
