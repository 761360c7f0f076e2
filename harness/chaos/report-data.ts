/**
 * The data runs' figures in the chaos report: how far they got, what AWS did, what chaos did to
 * them, and what the audit found.
 */
import type { FailoverReport } from '../../src/domain/failover/types';
import type { Finding } from './audit';
import { switchesOf } from './audit-data';
import { DATA_STEPS, stepSucceeded, type DataRunRecord, type DataStep } from './data-run';
import type { LedgerEntry } from './ledger';
import { addRetries, emptyRetries, type RetryStats } from './report';

export interface DataTotals {
  runs: number;
  /** All four steps completed, both failovers with outcome `completed`. */
  completed: number;
  /** Median seconds of each step that completed; null when none did. */
  stepSeconds: Record<DataStep, number | null>;
  /** Median `rtoSeconds` of the failovers and of the failbacks. */
  rtoSeconds: { failover: number | null; failback: number | null };
  /** Writes moto accepted (the ledger), lost answers and killed callers included. */
  writes: { replicasCreated: number; promotions: number; renames: number; recordSwitches: number; deletes: number };
  /** Worker SIGKILLs aimed at a data write in flight, by the write. */
  kills: Record<string, number>;
  retries: RetryStats;
  secondReplicas: number;
  lostReports: number;
  deletedDatabases: number;
  doubleSwitches: number;
  unreportedPromotions: number;
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return Math.round(sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2);
}

export function dataTotals(
  runs: DataRunRecord[],
  findings: Finding[],
  ledger: LedgerEntry[],
  kills: Record<string, number>,
): DataTotals {
  const count = (kind: Finding['kind']) => findings.filter((f) => f.kind === kind).length;
  const rds = (action: string, pick: (e: Extract<LedgerEntry, { kind: 'rds' }>) => boolean = () => true) =>
    ledger.filter((e) => e.kind === 'rds' && e.action === action && pick(e)).length;
  const rto = (step: 'failover' | 'failback') =>
    median(
      runs
        .map((r) => (stepSucceeded(r.steps[step], step) ? (r.steps[step]!.result as FailoverReport).rtoSeconds : null))
        .filter((s): s is number => typeof s === 'number'),
    );
  return {
    runs: runs.length,
    completed: runs.filter((r) => DATA_STEPS.every((s) => stepSucceeded(r.steps[s], s))).length,
    stepSeconds: Object.fromEntries(
      DATA_STEPS.map((s) => [
        s,
        median(runs.filter((r) => r.steps[s]?.status === 'COMPLETED').map((r) => r.steps[s]!.seconds)),
      ]),
    ) as Record<DataStep, number | null>,
    rtoSeconds: { failover: rto('failover'), failback: rto('failback') },
    writes: {
      replicasCreated: rds('CreateDBInstanceReadReplica'),
      promotions: rds('PromoteReadReplica'),
      renames: rds('ModifyDBInstance', (e) => !!e.newDbInstanceIdentifier),
      recordSwitches: runs.reduce((n, r) => n + switchesOf(r, ledger), 0),
      deletes: rds('DeleteDBInstance'),
    },
    kills,
    retries: runs.reduce((acc, r) => addRetries(acc, r.retries), emptyRetries()),
    secondReplicas: count('second-replica'),
    lostReports: count('lost-report'),
    deletedDatabases: count('deleted-database'),
    doubleSwitches: count('double-switch'),
    unreportedPromotions: count('unreported-promotion'),
  };
}

/** Every data run went through, and the audit found nothing. */
export function dataPassed(d: DataTotals | undefined): boolean {
  if (!d) return true;
  const found = d.secondReplicas + d.lostReports + d.deletedDatabases + d.doubleSwitches + d.unreportedPromotions;
  return d.completed === d.runs && found === 0;
}

function list(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

/** The table's rows for the data runs. */
export function dataRows(d: DataTotals): Array<[string, string]> {
  const s = (n: number | null) => (n === null ? '-' : `${n} s`);
  const w = d.writes;
  return [
    ['data runs (protect, failover, re-protect, failback)', String(d.runs)],
    ['data runs completed', String(d.completed)],
    [
      'data step times (median)',
      `protect ${s(d.stepSeconds.protect)}, failover ${s(d.stepSeconds.failover)} (RTO ${s(d.rtoSeconds.failover)}), re-protect ${s(d.stepSeconds.reprotect)}, failback ${s(d.stepSeconds.failback)} (RTO ${s(d.rtoSeconds.failback)})`,
    ],
    [
      'data writes AWS did (ledger)',
      `replicas created ${w.replicasCreated}, promotions ${w.promotions}, renames ${w.renames}, record switches ${w.recordSwitches}, deletes ${w.deletes}`,
    ],
    [
      'worker SIGKILLs with a data write in flight',
      `${Object.values(d.kills).reduce((a, b) => a + b, 0)}: ${list(d.kills)}`,
    ],
    [
      'data retries (activity attempts > 1)',
      `${d.retries.attempts} in ${d.retries.activities} activities: ${list(d.retries.byCause)}`,
    ],
    ['second replicas', String(d.secondReplicas)],
    ['lost reports', String(d.lostReports)],
    ['deleted databases', String(d.deletedDatabases)],
    ['double switches', String(d.doubleSwitches)],
    ['unreported promotions', String(d.unreportedPromotions)],
  ];
}
