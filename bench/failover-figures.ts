/** The failover bench's and the protection's figures: medians per direction, and the rows that print them. */
import type { CacheMemory } from './cache-memory';
import type { Direction, FailoverBench } from './failover';
import { median } from './measure';
import { fixed, ms, type Row } from './report';

const info = (figure: string, measured: string): Row => ({ figure: `    ${figure}`, measured });

export interface FailoverFigures {
  /** RTO over the critical path, and over the sequential runbook, per direction (medians). */
  byDirection: Record<Direction, { critical: number; sequential: number; rtoMs: number } | undefined>;
  /** The worse direction's: what the targets judge. */
  criticalRatio?: number;
  sequentialRatio?: number;
  protectRatio?: number;
  rows: Row[];
  /** Where the figures come from: each direction's steps, and the runbook's, for the report below the table. */
  details: string[];
}

export function failoverFigures(f: FailoverBench): FailoverFigures {
  const rows: Row[] = [];
  const details: string[] = [];
  const byDirection: FailoverFigures['byDirection'] = { failover: undefined, failback: undefined };
  for (const direction of ['failover', 'failback'] as const) {
    const moves = f.moves.filter((m) => m.direction === direction);
    const done = moves.filter((m) => m.outcome === 'completed' && m.rtoSeconds !== null);
    if (!done.length) {
      rows.push(info(`${direction}: not measured`, moves[0]?.reason ?? moves[0]?.outcome ?? 'did not run'));
      continue;
    }
    const rtoMs = median(done.map((m) => m.rtoSeconds! * 1000));
    const critical = median(done.map((m) => (m.rtoSeconds! * 1000) / m.criticalPathMs));
    const sequential = median(done.map((m) => (m.rtoSeconds! * 1000) / m.runbook.totalMs));
    byDirection[direction] = { critical, sequential, rtoMs };
    const label = direction === 'failover' ? 'unplanned failover, us-east-1 down' : 'failback, both regions up';
    const criticalMs = median(done.map((m) => m.criticalPathMs));
    const sequentialMs = median(done.map((m) => m.runbook.totalMs));
    rows.push(
      info(`${label}: RTO (median of ${done.length})`, ms(rtoMs)),
      info(`  bare runbook: critical path, all steps in turn`, `${ms(criticalMs)}, ${ms(sequentialMs)}`),
      info(`  RTO ÷ critical path, ÷ runbook`, `${fixed(critical)}, ${fixed(sequential)}`),
    );
    // The worlds' own names (bench-<pid>-<round>-flow-) say nothing here, and differ from round to
    // round: a step is matched across rounds by its name without them (keyed by the full name, a
    // group's step was missing from every round but the first and its median halved).
    const short = (name: string) => name.replace(/bench-\d+-\d+-(flow|bare)-/, '');
    const byShortName = (steps: Record<string, number>) =>
      Object.fromEntries(Object.entries(steps).map(([n, t]) => [short(n), t]));
    const times = (all: Array<Record<string, number>>) => {
      const steps = all.map(byShortName);
      return Object.keys(steps[0] ?? {})
        .map((n) => [n, Math.round(median(steps.map((x) => x[n] ?? 0)))] as const)
        .filter(([, t]) => t > 0)
        .map(([n, t]) => `${n} ${ms(t)}`)
        .join(', ');
    };
    // What the runbook's total holds beyond its steps (nothing but the gaps between them, if all are timed).
    const outside = median(
      done.map((m) => m.runbook.totalMs - Object.values(m.runbook.steps).reduce((a, b) => a + b, 0)),
    );
    details.push(
      `${label}: FailoverToRegion's steps ${times(done.map((m) => m.steps))}; the runbook's ${times(done.map((m) => m.runbook.steps))}` +
        ` (medians per step; ${ms(outside)} of its total outside them)`,
    );
  }
  const worst = (key: 'critical' | 'sequential') => {
    const both = [byDirection.failover, byDirection.failback];
    return both.every(Boolean) ? Math.max(...both.map((d) => d![key])) : undefined;
  };
  const held = f.timing;
  rows.push(
    info(
      'held by the profile: promotion, instances, tasks, INSYNC',
      [held.promotion.modifyingMs, held.capacity.instanceWarmupMs, held.capacity.taskWarmupMs]
        .concat(held.layer.route53?.insyncMs ?? 0)
        .map(ms)
        .join(', '),
    ),
  );
  let protectRatio: number | undefined;
  if ('runs' in f.protect && f.protect.runs.length) {
    const p = f.protect.runs;
    protectRatio = median(p.map((r) => r.ms / r.creatingMs));
    rows.push(
      info(
        'ProtectDatabase to a replicating replica',
        `${ms(median(p.map((r) => r.ms)))} (creating ${ms(p[0]!.creatingMs)})`,
      ),
    );
  }
  return {
    byDirection,
    ...(worst('critical') === undefined ? {} : { criticalRatio: worst('critical') }),
    ...(worst('sequential') === undefined ? {} : { sequentialRatio: worst('sequential') }),
    ...(protectRatio === undefined ? {} : { protectRatio }),
    rows,
    details,
  };
}

/** What the protection row says when it did not run. */
export const protectMeasured = (f: FailoverBench, ratio: number | undefined): string =>
  'skipped' in f.protect
    ? `not measured: ${f.protect.skipped}`
    : ratio === undefined
      ? 'no run completed'
      : fixed(ratio);

export function memoryRows(c: CacheMemory): Row[] {
  const heap = (s: CacheMemory['before']) => s.threads.reduce((sum, t) => sum + t.usedMb, 0);
  const garbage = (s: CacheMemory['before']) =>
    s.mainHeapUsedBeforeGcMb === undefined ? '?' : `${fixed(s.mainHeapUsedBeforeGcMb, 1)} MB`;
  return [
    info(
      `${c.held} setups held in the cache (GC'd, median of 5): RSS, workflow heap`,
      `${fixed(c.before.rssMb, 1)} → ${fixed(c.during.rssMb, 1)} MB, ${fixed(heap(c.before), 1)} → ${fixed(heap(c.during), 1)} MB`,
    ),
    info(
      '  heap per cached workflow; main thread heap (before its first GC)',
      `${fixed(c.perWorkflow.heapMb, 3)} MB; ${fixed(c.before.mainHeapUsedMb, 1)} → ${fixed(c.during.mainHeapUsedMb, 1)} MB` +
        ` (${garbage(c.before)} → ${garbage(c.during)})`,
    ),
  ];
}
