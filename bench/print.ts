/** The bench's output: the table and where its figures come from on the console, and bench/results.json. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PeeringRequest } from '../src/domain/types';
import type { Concurrent } from './concurrent';
import { CONCURRENCY, REQUEST_FILE, RESULTS_FILE, ROOT, RUNS } from './config';
import type { Figures } from './figures';
import type { InMemory } from './in-memory';
import type { MeshBench } from './mesh';
import { median, type HistorySummary } from './measure';
import { formatTable, markdownTable } from './report';
import type { Sequential } from './sequential';

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

export function printReport(f: Figures, c: Concurrent, m: InMemory, request: PeeringRequest, loadBefore: number[]) {
  const { diagnostics } = f;
  const { bareBurst, flowBurst, rss } = c;
  const { memoryBurst, memoryRss } = m;
  console.log(
    `\nVPC peering bench — ${request.requester.region} ↔ ${request.accepter.region}, ${request.allow.length} allow rules (${path.relative(ROOT, REQUEST_FILE)}), moto, ${os.cpus().length} CPUs, load ${loadBefore.map((l) => l.toFixed(1)).join(' ')}\n`,
  );
  console.log(formatTable(f.rows));
  console.log('\nWhere the figures come from (medians):');
  console.log(`  bare steps (ms): ${pairs(diagnostics.bareStepsMs)}`);
  console.log('  one setup at a time:');
  describeHistory(diagnostics.setupHistory);
  console.log(`  ${CONCURRENCY} at once (c):`);
  describeHistory(c.flowHistory);
  console.log(
    `    the dev server logged ${c.storeErrors} failed or timed-out store operations (its SQLite file) during this burst; failed tasks are retried after a backoff`,
  );
  console.log(`  ${CONCURRENCY} at once (c) on the in-memory dev server (${m.memoryStoreErrors} store errors):`);
  describeHistory(m.memoryHistory);
  console.log(`  calls per fresh setup: ${pairs(f.freshCalls.byOperation)}`);
  console.log(`  calls per re-run: ${pairs(f.rerun.byOperation)}`);
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
  console.log(
    `  CPU seconds during (c): bare burst: ${pairs(bareBurst.cpuSeconds)}; workflow burst: ${pairs(flowBurst.cpuSeconds)}; on the in-memory server: ${pairs(memoryBurst.cpuSeconds)}`,
  );
  console.log(
    `  worker RSS: ${rss.startMb} MB before (c), peak ${rss.peakMb} MB (sampled ${rss.sampledPeakMb}, VmHWM ${rss.hwmPeakMb ?? 'n/a'}); on the in-memory dev server ${memoryRss.startMb} MB before, peak ${memoryRss.peakMb} MB`,
  );
  const failed = bareBurst.failed + flowBurst.failed + memoryBurst.failed;
  if (failed)
    console.log(
      `  WARNING: ${failed} setups failed in (c): ${[...bareBurst.errors, ...flowBurst.errors, ...memoryBurst.errors].slice(0, 3).join(' | ')}`,
    );
}

export interface RunInfo {
  loadBefore: number[];
  loadAfter: number[];
  /** What the worker process printed when it was ready. */
  workerReady: string;
}

/** Writes bench/results.json; returns `met/total` of the targets. */
export function writeResults(
  f: Figures,
  s: Sequential,
  c: Concurrent,
  m: InMemory,
  mesh: MeshBench,
  run: RunInfo,
): string {
  const metCount = f.targets.filter((t) => t.met).length;
  const { loadBefore, loadAfter } = run;
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
          workerReady: run.workerReady,
        },
        figures: {
          bareMs: { median: f.aMed, runs: s.a },
          bareParallelSidesMs: { median: median(s.aParallel), runs: s.aParallel },
          setupMs: { median: f.bMed, runs: s.b },
          setupInProcessWorkerMs: { median: median(s.bInProcess), runs: s.bInProcess },
          setupInMemoryServerMs: { median: median(m.bMemory), runs: m.bMemory },
          ratio: f.ratio,
          concurrent: {
            bare: c.bareBurst,
            workflow: c.flowBurst,
            throughputRatio: f.throughputRatio,
            inMemoryServer: m.memoryBurst,
          },
          calls: { fresh: f.freshCalls, rerun: f.rerun, teardown: f.down, bare: f.bare },
          historyEvents: { setup: f.historyEvents, rerun: f.rerunHistoryEvents },
          workerRss: c.rss,
          workerRssInMemoryServer: m.memoryRss,
          mesh,
        },
        targets: f.targets,
        targetsMet: `${metCount}/${f.targets.length}`,
        diagnostics: f.diagnostics,
        table: markdownTable(f.rows),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${path.relative(ROOT, RESULTS_FILE)}`);
  return `${metCount}/${f.targets.length}`;
}
