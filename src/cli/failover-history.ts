/**
 * `failover list` and `failover show <id>`: what the recent FailoverToRegion runs did, read from
 * Temporal (visibility for the list, each run's result for its report), for the person on call.
 */
import type { Client, WorkflowExecutionDescription, WorkflowExecutionInfo } from '@temporalio/client';
import {
  FAILOVER_PROGRESS_QUERY,
  FailoverWorkflows,
  type FailoverProgress,
  type FailoverReport,
  type FailoverStep,
} from '../domain/failover/types';
import { parseFlags } from './args';
import { explainFailure } from './follow';
import { EXIT, printJson, UsageError, webUiLink } from './output';
import type { CommandContext } from './peering-commands';

/** One run, as `failover list` shows it. */
export interface FailoverRun {
  workflowId: string;
  runId: string;
  status: string;
  startTime: string;
  closeTime: string | null;
  /** The report's outcome; null while running, or when the run failed without a report. */
  outcome: string | null;
  drill: boolean | null;
  recordName: string | null;
  rtoSeconds: number | null;
  /** The data the promotion may have lost, where the run measured it. */
  rpoSeconds: number | null;
  rpoBasis: string | null;
  /** Who approved or aborted: the decision's `by`; `auto` with no gate; null when nobody decided. */
  decidedBy: string | null;
  /** Why it was aborted or failed, or where a running one is. */
  note: string | null;
}

/** The report as this CLI reads it: fields other versions of the workflow may add or lack. */
type ReadReport = FailoverReport & {
  rpo?: { seconds?: number | null; basis?: string } | null;
  decision?: { kind?: string; by?: string } | null;
};

/**
 * Who decided, from the report: its `decision` where the run records one, else the approval
 * step's own words ("approved by alice after 12 s", "aborted by bob (…)").
 */
export function decidedBy(report: ReadReport): string | null {
  if (report.decision?.by) return report.decision.by;
  const step = report.steps?.find((s) => s.name === 'approval');
  if (!step) return null;
  if (/^approval: auto\b/.test(step.detail)) return 'auto';
  const by = / by (.+?)(?: \(| after |;|$)/.exec(step.detail);
  return by?.[1] ?? null;
}

function fromReport(run: FailoverRun, report: ReadReport): void {
  run.outcome = report.outcome ?? null;
  run.drill = report.drill ?? null;
  run.recordName = report.recordName ?? null;
  run.rtoSeconds = report.rtoSeconds ?? null;
  run.rpoSeconds = typeof report.rpo?.seconds === 'number' ? report.rpo.seconds : null;
  run.rpoBasis = report.rpo?.basis ?? null;
  run.decidedBy = decidedBy(report);
  run.note = report.reason ?? null;
}

function blankRun(w: WorkflowExecutionInfo): FailoverRun {
  return {
    workflowId: w.workflowId,
    runId: w.runId,
    status: w.status.name,
    startTime: w.startTime.toISOString(),
    closeTime: w.closeTime?.toISOString() ?? null,
    outcome: null,
    drill: null,
    recordName: null,
    rtoSeconds: null,
    rpoSeconds: null,
    rpoBasis: null,
    decidedBy: null,
    note: null,
  };
}

/** Fills in what the run's report (or, running, its progress; failed, its failure) says. */
async function readRun(client: Client, run: FailoverRun): Promise<void> {
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  if (run.status === 'RUNNING') {
    const p = await handle.query<FailoverProgress>(FAILOVER_PROGRESS_QUERY).catch(() => undefined);
    if (p) run.note = p.awaitingDecision ? 'waiting for approve or abort' : `at ${p.step}`;
    return;
  }
  await handle.result().then(
    (report) => fromReport(run, report as ReadReport),
    (err: unknown) => {
      run.note = explainFailure(err).split('\n')[0] ?? null;
    },
  );
}

/** The newest `limit` FailoverToRegion runs (a drill's rehearsals among them), newest first. */
export async function recentFailovers(client: Client, limit: number): Promise<FailoverRun[]> {
  const found: FailoverRun[] = [];
  const query = `WorkflowType = '${FailoverWorkflows.FailoverToRegion}'`;
  for await (const w of client.workflow.list({ query })) {
    found.push(blankRun(w));
    if (found.length >= limit) break;
  }
  await Promise.all(found.map((run) => readRun(client, run)));
  return found.sort((a, b) => b.startTime.localeCompare(a.startTime));
}

const secs = (n: number | null) => (n === null ? '-' : `${n}s`);

export function formatRunLine(r: FailoverRun): string {
  // One token per column, so the list stays aligned and greppable; `show` gives the basis.
  const rpo = r.rpoSeconds === null ? (r.rpoBasis ? 'unknown' : '-') : `${r.rpoSeconds}s`;
  const outcome = r.outcome ?? r.status.toLowerCase();
  return [
    r.startTime,
    `${outcome}${r.drill ? ' (drill)' : ''}`.padEnd(18),
    `RTO ${secs(r.rtoSeconds)}`.padEnd(11),
    `RPO ${rpo}`.padEnd(11),
    `by ${r.decidedBy ?? '-'}`.padEnd(14),
    r.workflowId,
    ...(r.note ? [`— ${r.note}`] : []),
  ].join('  ');
}

/** `failover list [--limit N] [--json]` */
async function listCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv, ['limit'], ['json']);
  const limit = flags.values.limit === undefined ? 10 : Number(flags.values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit needs a whole number of 1 or more');
  const runs = await recentFailovers(await ctx.client(), limit);
  if (flags.values.json === true) {
    printJson(runs);
    return EXIT.ok;
  }
  if (!runs.length) console.log('no failover runs found');
  for (const r of runs) console.log(formatRunLine(r));
  return EXIT.ok;
}

export function formatStep(s: FailoverStep): string {
  const took = (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000;
  return `  ${s.outcome.padEnd(8)} ${s.name.padEnd(24)} ${s.startedAt} (${Number.isFinite(took) ? took : '?'} s)  ${s.detail}`;
}

/** The report in lines: what was decided and measured, then every step. */
export function formatReport(id: string, report: ReadReport): string[] {
  const rpo = report.rpo
    ? `RPO ${report.rpo.seconds ?? 'unknown'}${report.rpo.seconds === null || report.rpo.seconds === undefined ? '' : ' s'} (${report.rpo.basis ?? '?'})`
    : 'RPO not measured';
  return [
    `${report.drill ? 'Drill failover' : 'Failover'} ${id} on ${report.recordName}: ${report.outcome.toUpperCase()}${report.reason ? ` — ${report.reason}` : ''}`,
    `RTO ${report.rtoSeconds === null ? 'none (no switch measured)' : `${report.rtoSeconds} s`}; ${rpo}; decided by ${decidedBy(report) ?? 'nobody'}; waited ${report.decisionWaitSeconds ?? 0} s for a decision`,
    `Record before: ${report.recordBefore?.value ?? '-'}; after: ${report.recordAfter?.value ?? '-'}; promotion: ${report.promotion}`,
    'Steps:',
    ...report.steps.map(formatStep),
    ...(report.warnings?.length ? ['Warnings:', ...report.warnings.map((w) => `  ${w}`)] : []),
  ];
}

/** `failover show <workflowId> [--run RUN_ID] [--json]` */
async function showCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv, ['run'], ['json']);
  const id = flags.positionals[0];
  if (!id) throw new UsageError('failover show needs a workflow id: failover show <workflowId> (see failover list)');
  const runId = typeof flags.values.run === 'string' ? flags.values.run : undefined;
  const handle = (await ctx.client()).workflow.getHandle(id, runId);
  let info: WorkflowExecutionDescription;
  try {
    info = await handle.describe();
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') throw new UsageError(`no workflow with id ${id}`);
    throw err;
  }
  if (info.type !== FailoverWorkflows.FailoverToRegion)
    throw new UsageError(`${id} is a ${info.type} run; failover show is for FailoverToRegion runs`);
  console.error(`Web UI: ${webUiLink(ctx.namespace, id)}`);
  if (info.status.name === 'RUNNING') {
    const p = await handle.query<FailoverProgress>(FAILOVER_PROGRESS_QUERY).catch(() => undefined);
    if (flags.values.json === true) printJson({ workflowId: id, status: 'RUNNING', progress: p ?? null });
    else {
      console.log(`Failover ${id}: RUNNING since ${info.startTime.toISOString()}, at ${p?.step ?? '?'}`);
      if (p?.awaitingDecision) console.log(`Waiting for a decision: failover approve ${id} | failover abort ${id}`);
      console.log('Steps so far:');
      for (const s of p?.steps ?? []) console.log(formatStep(s));
    }
    return EXIT.ok;
  }
  const outcome = await handle.result().then(
    (report) => ({ report: report as ReadReport }),
    (err: unknown) => ({ error: explainFailure(err) }),
  );
  if ('error' in outcome) {
    if (flags.values.json === true) printJson({ workflowId: id, status: info.status.name, error: outcome.error });
    else console.log(`Failover ${id}: ${info.status.name}, no report:\n  ${outcome.error}`);
    return EXIT.failed;
  }
  if (flags.values.json === true) printJson(outcome.report);
  else for (const line of formatReport(id, outcome.report)) console.log(line);
  return EXIT.ok;
}

/** `failover list|show …`; undefined when argv is not one of them (the failover command proper). */
export function failoverHistoryCommand(ctx: CommandContext, argv: string[]): Promise<number> | undefined {
  if (argv[0] === 'list') return listCommand(ctx, argv.slice(1));
  if (argv[0] === 'show') return showCommand(ctx, argv.slice(1));
  return undefined;
}
