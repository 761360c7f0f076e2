/** The figures from the measurements: each against its target, and where they come from. */
import type { Concurrent } from './concurrent';
import { CONCURRENCY, RUNS } from './config';
import type { InMemory } from './in-memory';
import { callDifference, median, medianCount, summarizeHistories, type CallCount } from './measure';
import { checkTargets, fixed, ms, type Row } from './report';
import type { Sequential } from './sequential';

export type Figures = ReturnType<typeof benchFigures>;

export function benchFigures(s: Sequential, c: Concurrent, m: InMemory) {
  const { a, b } = s;
  const { bareBurst, flowBurst, rss } = c;
  const aMed = median(a);
  const bMed = median(b);
  const ratio = bMed / aMed;
  const throughputRatio = flowBurst.perSecond / bareBurst.perSecond;
  const freshCalls = medianCount(s.freshCounts);
  const rerun = medianCount(s.rerunCounts);
  const down = medianCount(s.teardownCounts);
  const bare = medianCount(s.bareCounts);
  const historyEvents = median(s.freshHistories.map((h) => h.events));
  const rerunHistoryEvents = median(s.rerunHistories.map((h) => h.events));
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
  const calls = (n: CallCount) => `${n.total} (${n.mutating} mutating, ${n.readOnly} read)`;
  const rows: Row[] = [
    { figure: `(a) bare script, sequential, median of ${RUNS}`, measured: `${ms(aMed)} (${range(a)})` },
    {
      figure: `    bare script, sides in parallel (info)`,
      measured: `${ms(median(s.aParallel))} (${range(s.aParallel)})`,
    },
    { figure: `(b) SetupInterRegionPeering, median of ${RUNS}`, measured: `${ms(bMed)} (${range(b)})` },
    {
      figure: `    same on the in-process counting worker (info)`,
      measured: `${ms(median(s.bInProcess))} (${range(s.bInProcess)})`,
    },
    { figure: 'b/a', measured: fixed(ratio), target: met('b/a').target, met: met('b/a').met },
    {
      figure: `    (b) on an in-memory dev server (info)`,
      measured: `${ms(median(m.bMemory))}, b/a ${fixed(median(m.bMemory) / aMed)}`,
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
      measured: `${fixed(m.memoryBurst.seconds, 1)} s, ratio ${fixed(m.memoryBurst.perSecond / bareBurst.perSecond)}`,
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
    { figure: '    history events per re-run (info)', measured: String(rerunHistoryEvents) },
    {
      figure: '(f) worker peak RSS during (c)',
      measured: `${fixed(rss.peakMb, 1)} MB`,
      target: met('worker RSS during (c)').target,
      met: met('worker RSS during (c)').met,
    },
    { figure: '    same, (c) on the in-memory dev server (info)', measured: `${fixed(m.memoryRss.peakMb, 1)} MB` },
  ];

  // Where the figures come from.
  const stepNames = Object.keys(s.bareSteps[0] ?? {});
  const diagnostics = {
    bareCallsMatchWorkflow: callDifference(bare, freshCalls),
    bareCallOrderMatchesWorkflow: [...s.orderDifferences],
    bareStepsMs: Object.fromEntries(stepNames.map((n) => [n, Math.round(median(s.bareSteps.map((x) => x[n] ?? 0)))])),
    setupHistory: summarizeHistories(s.freshHistories),
    concurrentHistory: c.flowHistory,
    concurrentInMemoryHistory: m.memoryHistory,
    rerunHistoryEventsByType: summarizeHistories(s.rerunHistories).eventsByType,
    callsByOperation: {
      bare: bare.byOperation,
      fresh: freshCalls.byOperation,
      rerun: rerun.byOperation,
      teardown: down.byOperation,
    },
    rerunMs: Math.round(median(s.rerunMs)),
    teardownMs: Math.round(median(s.teardownMs)),
    concurrent: {
      bare: bareBurst,
      workflow: flowBurst,
      inMemoryServer: m.memoryBurst,
      rss,
      storeErrors: c.storeErrors,
      memoryStoreErrors: m.memoryStoreErrors,
    },
  };
  return {
    aMed,
    bMed,
    ratio,
    throughputRatio,
    freshCalls,
    rerun,
    down,
    bare,
    historyEvents,
    rerunHistoryEvents,
    targets,
    rows,
    diagnostics,
  };
}
