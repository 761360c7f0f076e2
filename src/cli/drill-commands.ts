import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleSummary,
} from '@temporalio/client';
import type { DrillReport, DrillRequest } from '../domain/drill/types';
import { DRILL_OUTCOME, PEERING_CONNECTION_ID } from '../domain/search-attributes';
import { validateDrillRequest } from '../domain/drill/validate';
import { durationMs } from '../domain/failover/validate';
import { parseFlags, readJsonFile } from './args';
import { awaitResult } from './follow';
import { drillView } from './progress-views';
import { describeDrillRto } from '../domain/drill/rto';
import { EXIT, printJson, UsageError, webUiLink } from './output';
import type { CommandContext } from './peering-commands';
import { DrillWorkflows } from '../domain/drill/types';

/** Every drill schedule's id starts with this; `schedule list` shows only these. */
export const DRILL_SCHEDULE_PREFIX = 'dr-drill-';
/** A drill missed while the server was down runs when it is back only if it is this recent. */
export const DRILL_CATCHUP_WINDOW = '10 minutes';

export const drillScheduleId = (name: string) => `${DRILL_SCHEDULE_PREFIX}${name}`;

function readDrillRequest(file: string, name?: string): DrillRequest {
  const raw = readJsonFile(file);
  const withName = name !== undefined && raw && typeof raw === 'object' ? { ...raw, name } : raw;
  const checked = validateDrillRequest(withName);
  if (!checked.ok) throw new UsageError(`InvalidDrillRequest: ${checked.error.field}: ${checked.error.reason}`);
  return checked.value;
}

/** `drill --file drill.json [--id ID] [--wait] [--json-out f]`: exits 1 when the drill's outcome is failed. */
export async function drillCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  if (!flags.file) throw new UsageError('drill needs --file drill.json (see examples/drill.json)');
  const req = readDrillRequest(flags.file);
  const client = await ctx.client();
  const handle = await client.workflow.start(DrillWorkflows.DrDrill, {
    taskQueue: ctx.taskQueue,
    workflowId: flags.id ?? `${drillScheduleId(req.name)}-${Date.now().toString(36)}`,
    args: [req],
    staticSummary: `DR drill ${req.name}`,
  });
  console.error(`Started DrDrill ${handle.workflowId}`);
  console.error(`Web UI: ${webUiLink(ctx.namespace, handle.workflowId)}`);
  if (!flags.wait) {
    printJson({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
    return EXIT.ok;
  }
  const code = await awaitResult(handle, {
    namespace: ctx.namespace,
    view: drillView,
    ...(flags.jsonOut ? { jsonOut: flags.jsonOut } : {}),
  });
  if (code !== EXIT.ok) return code;
  const report = (await handle.result()) as DrillReport;
  console.error(`Drill ${req.name}: ${report.outcome.toUpperCase()}; ${describeDrillRto(report)}`);
  if (report.rtoSummary) console.error(report.rtoSummary);
  return report.outcome === 'passed' ? EXIT.ok : EXIT.failed;
}

function describeSchedule(d: ScheduleDescription) {
  const action = d.action.type === 'startWorkflow' ? d.action : undefined;
  return {
    scheduleId: d.scheduleId,
    paused: d.state.paused,
    ...(d.state.note ? { note: d.state.note } : {}),
    every: (d.memo?.every as string | undefined) ?? null,
    cron: (d.memo?.cron as string | undefined) ?? null,
    policies: d.policies,
    workflowType: action?.workflowType,
    taskQueue: action?.taskQueue,
    request: action?.args?.[0],
    numActionsTaken: d.info.numActionsTaken,
    numActionsSkippedOverlap: d.info.numActionsSkippedOverlap,
    runningWorkflows: d.info.runningActions.map((a) => a.workflow.workflowId),
    recentWorkflows: d.info.recentActions.map((a) => ({
      workflowId: a.action.workflow.workflowId,
      takenAt: a.takenAt,
    })),
    nextActionTimes: d.info.nextActionTimes,
    createdAt: d.info.createdAt,
  };
}

function summarizeSchedule(s: ScheduleSummary) {
  return {
    name: s.scheduleId.slice(DRILL_SCHEDULE_PREFIX.length),
    scheduleId: s.scheduleId,
    paused: s.state.paused,
    every: (s.memo?.every as string | undefined) ?? null,
    cron: (s.memo?.cron as string | undefined) ?? null,
    nextActionTime: s.info.nextActionTimes[0] ?? null,
    lastWorkflowId: s.info.recentActions.at(-1)?.action.workflow.workflowId ?? null,
  };
}

async function createSchedule(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv, ['name', 'every', 'cron', 'note'], ['paused']);
  const v = flags.values;
  if (!flags.file) throw new UsageError('schedule create needs --file drill.json (see examples/drill.json)');
  const every = typeof v.every === 'string' ? v.every : undefined;
  const cron = typeof v.cron === 'string' ? v.cron : undefined;
  if ((every === undefined) === (cron === undefined))
    throw new UsageError('schedule create needs exactly one of --every <duration> (e.g. 1d, 12h) or --cron "<expr>"');
  const everyMs = every === undefined ? undefined : durationMs(every);
  if (every !== undefined && (everyMs === undefined || everyMs < 1000))
    throw new UsageError(`--every ${every}: not a duration of a second or more, such as 30m, 12h or 7d`);
  const req = readDrillRequest(flags.file, typeof v.name === 'string' ? v.name : undefined);
  const scheduleId = drillScheduleId(req.name);
  const client = await ctx.client();
  try {
    await client.schedule.create({
      scheduleId,
      spec: everyMs !== undefined ? { intervals: [{ every: everyMs }] } : { cronExpressions: [cron!] },
      action: {
        type: 'startWorkflow',
        workflowType: DrillWorkflows.DrDrill,
        taskQueue: ctx.taskQueue,
        // The server appends the scheduled time, so each run has its own id.
        workflowId: scheduleId,
        args: [req],
        staticSummary: `Scheduled DR drill ${req.name}`,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: DRILL_CATCHUP_WINDOW },
      state: { paused: v.paused === true, ...(typeof v.note === 'string' ? { note: v.note } : {}) },
      memo: { ...(every ? { every } : { cron }), file: flags.file },
    });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'ScheduleAlreadyRunning')
      throw new UsageError(`schedule ${scheduleId} already exists; delete it first, or pick another --name`);
    if (/invalid|cron/i.test(e.message) && cron !== undefined) throw new UsageError(`--cron "${cron}": ${e.message}`);
    throw err;
  }
  console.error(
    `Created schedule ${scheduleId}: DrDrill ${every ? `every ${every}` : `on cron "${cron}"`}, overlap SKIP, catch-up window ${DRILL_CATCHUP_WINDOW}`,
  );
  printJson(describeSchedule(await client.schedule.getHandle(scheduleId).describe()));
  return EXIT.ok;
}

async function listSchedules(client: Client, json: boolean): Promise<number> {
  const rows: ReturnType<typeof summarizeSchedule>[] = [];
  for await (const s of client.schedule.list()) {
    if (s.scheduleId.startsWith(DRILL_SCHEDULE_PREFIX)) rows.push(summarizeSchedule(s));
  }
  rows.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
  if (json) printJson(rows);
  else if (!rows.length) console.log('no drill schedules');
  else {
    for (const r of rows) {
      console.log(
        `${r.name}\t${r.paused ? 'PAUSED' : 'active'}\t${r.every ? `every ${r.every}` : `cron ${r.cron}`}\tnext ${r.nextActionTime ? new Date(r.nextActionTime).toISOString() : '-'}\tlast ${r.lastWorkflowId ?? '-'}`,
      );
    }
  }
  return EXIT.ok;
}

/**
 * `schedule create --name N (--every D | --cron E) --file drill.json [--paused] [--note T]`,
 * `schedule list [--json]`, and `schedule describe|trigger|pause|unpause|delete <name>`.
 */
export async function scheduleCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'create') return createSchedule(ctx, rest);
  const flags = parseFlags(rest, ['note'], ['json']);
  const client = await ctx.client();
  if (sub === 'list') return listSchedules(client, flags.values.json === true);
  const name = flags.positionals[0];
  if (!sub || !['describe', 'trigger', 'pause', 'unpause', 'delete'].includes(sub)) {
    throw new UsageError(
      'schedule needs one of: create, list, describe <name>, trigger <name>, pause <name>, unpause <name>, delete <name>',
    );
  }
  if (!name) throw new UsageError(`schedule ${sub} needs the schedule's name (dr-drill-<name>)`);
  const scheduleId = name.startsWith(DRILL_SCHEDULE_PREFIX) ? name : drillScheduleId(name);
  const handle = client.schedule.getHandle(scheduleId);
  const note = typeof flags.values.note === 'string' ? flags.values.note : undefined;
  try {
    switch (sub) {
      case 'describe':
        printJson(describeSchedule(await handle.describe()));
        break;
      case 'trigger':
        // SKIP like the schedule itself: a manual run never overlaps a drill still on the drill record.
        await handle.trigger(ScheduleOverlapPolicy.SKIP);
        console.error(
          `Triggered ${scheduleId} (skipped if one of its drills is still running); see: schedule describe ${name}`,
        );
        break;
      case 'pause':
        await handle.pause(note ?? 'paused from the client CLI');
        console.error(`Paused ${scheduleId}`);
        break;
      case 'unpause':
        await handle.unpause(note ?? 'unpaused from the client CLI');
        console.error(`Unpaused ${scheduleId}`);
        break;
      case 'delete':
        await handle.delete();
        console.error(`Deleted ${scheduleId}; drills it already started are not affected`);
        break;
    }
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new UsageError(`no schedule ${scheduleId}`);
    throw err;
  }
  return EXIT.ok;
}

export interface DrillRun {
  workflowId: string;
  runId: string;
  status: string;
  startTime: Date;
  closeTime: Date | null;
  outcome: string | null;
  peeringConnectionId: string | null;
  rtoSeconds: number | null;
  rtoTargetSeconds: number | null;
}

export const drillsQuery = (outcome?: string) =>
  `WorkflowType = "DrDrill" AND ${outcome ? `DrillOutcome = "${outcome}"` : 'DrillOutcome IN ("running", "passed", "failed")'}`;

/**
 * Recent drills from visibility (running ones first, then by close time, newest first), each with
 * the RTO from its result.
 */
export async function recentDrills(client: Client, last: number, outcome?: string): Promise<DrillRun[]> {
  const found: DrillRun[] = [];
  for await (const w of client.workflow.list({ query: drillsQuery(outcome) })) {
    found.push({
      workflowId: w.workflowId,
      runId: w.runId,
      status: w.status.name,
      startTime: w.startTime,
      closeTime: w.closeTime ?? null,
      outcome: w.typedSearchAttributes.get(DRILL_OUTCOME) ?? null,
      peeringConnectionId: w.typedSearchAttributes.get(PEERING_CONNECTION_ID) ?? null,
      rtoSeconds: null,
      rtoTargetSeconds: null,
    });
    if (found.length >= last) break;
  }
  await Promise.all(
    found
      .filter((d) => d.status === 'COMPLETED')
      .map(async (d) => {
        const report = (await client.workflow.getHandle(d.workflowId, d.runId).result()) as DrillReport;
        d.rtoSeconds = report.rtoSeconds;
        d.rtoTargetSeconds = report.rtoTargetSeconds;
      }),
  );
  return found;
}

/** `drills [--last N] [--outcome passed|failed|running] [--json]` */
export async function drillsCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv, ['last', 'outcome'], ['json']);
  const last = flags.values.last === undefined ? 10 : Number(flags.values.last);
  if (!Number.isInteger(last) || last < 1) throw new UsageError('--last needs a whole number of 1 or more');
  const outcome = typeof flags.values.outcome === 'string' ? flags.values.outcome : undefined;
  if (outcome !== undefined && !['passed', 'failed', 'running'].includes(outcome))
    throw new UsageError('--outcome must be passed, failed or running');
  const drills = await recentDrills(await ctx.client(), last, outcome);
  if (flags.values.json === true) {
    printJson(drills);
    return EXIT.ok;
  }
  if (!drills.length) console.log('no drills found');
  for (const d of drills) {
    const rto = d.rtoSeconds === null ? '-' : `${d.rtoSeconds}s/${d.rtoTargetSeconds}s`;
    console.log(
      `${d.startTime.toISOString()}\t${(d.outcome ?? '?').padEnd(7)}\tRTO ${rto.padEnd(12)}\t${d.peeringConnectionId ?? '-'}\t${d.workflowId}`,
    );
  }
  return EXIT.ok;
}
