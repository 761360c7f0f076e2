/** The chaos run's result: per-run records, totals, retries read back from histories, and the table. */
import type { Client } from '@temporalio/client';
import type { Finding } from './audit';
import type { FaultStats } from '../fault-proxy';
import type { DataRunRecord } from './data-run';
import { dataPassed, dataRows, type DataTotals } from './report-data';

export type RunStatus =
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED'
  | 'TERMINATED'
  | 'TIMED_OUT'
  | 'CONTINUED_AS_NEW'
  | 'STUCK'
  | 'LOST'
  | 'NOT_STARTED';

export interface WorkflowOutcome {
  workflowId: string;
  status: RunStatus;
  seconds: number;
  /** The failure chain, one cause per line, for anything but COMPLETED. */
  error?: string;
  result?: unknown;
}

export interface RetryStats {
  /** Sum over activities of (attempt - 1), from ActivityTaskStarted events. */
  attempts: number;
  /** Activities that needed more than one attempt. */
  activities: number;
  /** Retries by what failed the attempt before: a timeout (worker killed) or the failure type. */
  byCause: Record<string, number>;
  workflowTaskTimeouts: number;
  workflowTaskFailures: number;
}

export interface RunRecord {
  index: number;
  setupId: string;
  teardownId: string;
  regions: [string, string];
  cidrs: [string, string];
  setup: WorkflowOutcome;
  teardown?: WorkflowOutcome;
  retries: RetryStats;
}

export interface ChaosTotals {
  runs: number;
  /** Setup and teardown both COMPLETED. */
  completed: number;
  failed: number;
  lost: number;
  stuck: number;
  duplicates: number;
  leaks: number;
  leftovers: number;
  wrongState: number;
  retries: RetryStats;
  faults: Record<string, number>;
  awsRequests: number;
  workerKills: number;
  workerUnexpectedExits: number;
  serverRestarts: number;
  /** With data runs (report-data.ts). */
  data?: DataTotals;
}

export interface ChaosReport {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  passed: boolean;
  options: Record<string, unknown>;
  totals: ChaosTotals;
  findings: Finding[];
  runs: RunRecord[];
  dataRuns?: DataRunRecord[];
  logs: Record<string, string>;
}

export function emptyRetries(): RetryStats {
  return { attempts: 0, activities: 0, byCause: {}, workflowTaskTimeouts: 0, workflowTaskFailures: 0 };
}

export function addRetries(into: RetryStats, from: RetryStats): RetryStats {
  into.attempts += from.attempts;
  into.activities += from.activities;
  into.workflowTaskTimeouts += from.workflowTaskTimeouts;
  into.workflowTaskFailures += from.workflowTaskFailures;
  for (const [cause, n] of Object.entries(from.byCause)) into.byCause[cause] = (into.byCause[cause] ?? 0) + n;
  return into;
}

/** Reads retries from a workflow's history: each ActivityTaskStarted carries its attempt number. */
export async function retriesOf(client: Client, workflowId: string): Promise<RetryStats> {
  const stats = emptyRetries();
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  for (const event of history.events ?? []) {
    const started = event.activityTaskStartedEventAttributes;
    if (started && (started.attempt ?? 1) > 1) {
      const extra = (started.attempt ?? 1) - 1;
      stats.attempts += extra;
      stats.activities++;
      const last = started.lastFailure;
      const cause = last?.timeoutFailureInfo
        ? 'timeout (worker killed)'
        : (last?.applicationFailureInfo?.type ?? (last?.message ? last.message.slice(0, 40) : 'unknown'));
      stats.byCause[cause] = (stats.byCause[cause] ?? 0) + extra;
    }
    if (event.workflowTaskTimedOutEventAttributes) stats.workflowTaskTimeouts++;
    if (event.workflowTaskFailedEventAttributes) stats.workflowTaskFailures++;
  }
  return stats;
}

function list(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

/** A Markdown table, so the README can quote it as printed. */
export function formatChaosTable(report: ChaosReport): string {
  const t = report.totals;
  const faithful = report.options.faithful as { lagSeconds?: number[] } | false | undefined;
  const rows: Array<[string, string]> = [
    ['AWS', faithful ? `AWS-faithful layer, lag ${faithful.lagSeconds?.join('-')} s` : 'raw moto'],
    ['runs (setup + teardown)', String(t.runs)],
    ['completed', `${t.completed}${t.failed ? ` (${t.failed} failed)` : ''}`],
    [
      'retries seen (activity attempts > 1)',
      `${t.retries.attempts} in ${t.retries.activities} activities: ${list(t.retries.byCause)}`,
    ],
    ['workflow task timeouts', String(t.retries.workflowTaskTimeouts)],
    ['faults injected', `${list(t.faults)} (of ${t.awsRequests} AWS requests)`],
    [
      'worker SIGKILLs',
      `${t.workerKills}${t.workerUnexpectedExits ? ` (+${t.workerUnexpectedExits} exits on its own)` : ''}`,
    ],
    [
      report.options.engine === 'cluster'
        ? 'Temporal node kills (not the frontend), restarted'
        : 'Temporal server restarts',
      String(t.serverRestarts),
    ],
    ['duplicates', String(t.duplicates)],
    ['leaks', `${t.leaks}${t.leftovers ? ` (+${t.leftovers} left by unfinished runs)` : ''}`],
    ['wrong state', String(t.wrongState)],
    ['lost or stuck', String(t.lost + t.stuck)],
    ...(t.data ? dataRows(t.data) : []),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [
    `| ${'metric'.padEnd(width)} | value |`,
    `| ${'-'.repeat(width)} | ----- |`,
    ...rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v} |`),
  ];
  return `${lines.join('\n')}\n\n${report.passed ? 'PASSED' : 'FAILED'} in ${report.durationSeconds} s`;
}

/** One line per finding, for the console. */
export function formatFindings(findings: Finding[], limit = 40): string {
  const shown = findings.slice(0, limit).map((f) => `  ${f.kind.padEnd(11)} ${f.run}: ${f.what}: ${f.ids.join(', ')}`);
  if (findings.length > limit) shown.push(`  … and ${findings.length - limit} more in the JSON report`);
  return shown.join('\n');
}

export interface TotalsInput {
  runs: number;
  records: RunRecord[];
  findings: Finding[];
  stats: FaultStats;
  workerKills: number;
  workerUnexpectedExits: number;
  serverRestarts: number;
  data?: DataTotals;
}

export function chaosTotals(i: TotalsInput): ChaosTotals {
  const { records, findings, stats } = i;
  const count = (kind: Finding['kind']) => findings.filter((f) => f.kind === kind).length;
  const statusCount = (s: RunStatus) => records.filter((r) => r.setup.status === s || r.teardown?.status === s).length;
  return {
    runs: i.runs,
    completed: records.filter((r) => r.setup.status === 'COMPLETED' && r.teardown?.status === 'COMPLETED').length,
    failed: records.filter((r) =>
      ['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'].some((s) => r.setup.status === s || r.teardown?.status === s),
    ).length,
    lost: statusCount('LOST') + statusCount('NOT_STARTED'),
    stuck: statusCount('STUCK'),
    duplicates: count('duplicate'),
    leaks: count('leak'),
    leftovers: count('leftover'),
    wrongState: count('wrong-state'),
    retries: records.reduce((acc, r) => addRetries(acc, r.retries), emptyRetries()),
    faults: stats.injected,
    awsRequests: stats.requests,
    workerKills: i.workerKills,
    workerUnexpectedExits: i.workerUnexpectedExits,
    serverRestarts: i.serverRestarts,
    ...(i.data ? { data: i.data } : {}),
  };
}

/** Every run completed, and nothing was duplicated, leaked, left in a wrong state, lost or stuck. */
export function chaosPassed(t: ChaosTotals): boolean {
  return (
    t.completed === t.runs &&
    t.duplicates + t.leaks + t.leftovers + t.wrongState + t.lost + t.stuck === 0 &&
    dataPassed(t.data)
  );
}
