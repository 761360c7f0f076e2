import { WorkflowUpdateFailedError } from '@temporalio/client';
import { userInfo } from 'node:os';
import { rpoOf } from '../domain/failover/decisions';
import {
  FAILOVER_PROGRESS_QUERY,
  FAILOVER_SIGNALS,
  type DecisionInput,
  type FailoverProgress,
  type FailoverReport,
} from '../domain/failover/types';
import { validateFailoverRequest } from '../domain/failover/validate';
import { parseFlags, readJsonFile } from './args';
import { failoverDefaultId } from './default-ids';
import { failoverHistoryCommand } from './failover-history';
import { oppositeRunning } from './failover-guard';
import { startOnce } from './start-once';
import { failoverView } from './progress-views';
import { EXIT, printJson, UsageError } from './output';
import type { CommandContext } from './peering-commands';
import { FailoverWorkflows } from '../domain/failover/types';

function whoAmI(): string {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** `failover --file request.json [--drill] [--approval auto|signal] [--id ID] [--wait] [--json-out report.json]` */
export async function failoverCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const history = failoverHistoryCommand(ctx, argv);
  if (history) return history;
  if (argv[0] === 'approve' || argv[0] === 'abort') return decide(argv[0], ctx, argv.slice(1));
  const flags = parseFlags(argv, ['approval'], ['drill']);
  if (!flags.file)
    throw new UsageError(
      'failover needs --file request.json (see examples/failover.json; examples/failback.json for the way back)',
    );
  const raw = readJsonFile(flags.file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UsageError(`--file ${flags.file}: expected a JSON object`);
  const input = {
    ...raw,
    ...(flags.values.drill === true ? { drill: true } : {}),
    ...(typeof flags.values.approval === 'string' ? { approval: flags.values.approval } : {}),
  };
  const checked = validateFailoverRequest(input);
  if (!checked.ok) throw new UsageError(`InvalidFailoverRequest: ${checked.error.field}: ${checked.error.reason}`);
  const req = checked.value;
  const workflowId = flags.id ?? failoverDefaultId(req);
  const opposite = flags.id ? undefined : await oppositeRunning(await ctx.client(), req);
  if (opposite) {
    console.error(
      `A run on this record the other way (${req.to.region} → ${req.from.region}) is running: ${opposite}; not starting ${req.from.region} → ${req.to.region}. Abort it first (failover abort ${opposite}), or pass --id.`,
    );
    return EXIT.failed;
  }
  if (req.approval === 'signal') {
    console.error(
      `This run waits for a decision: npm run client -- failover approve ${workflowId}   (or: failover abort ${workflowId} --reason "…")`,
    );
  }
  const code = await startOnce({
    client: await ctx.client(),
    namespace: ctx.namespace,
    taskQueue: ctx.taskQueue,
    workflowType: FailoverWorkflows.FailoverToRegion,
    workflowId,
    args: [req],
    summary: `${req.drill ? 'Drill: fail over' : 'Fail over'} ${req.recordName} ${req.from.region} → ${req.to.region}`,
    target: `A run on this record (${req.drill ? 'drill, ' : ''}${req.recordName} ${req.from.region} → ${req.to.region})`,
    wait: flags.wait,
    ...(flags.jsonOut ? { jsonOut: flags.jsonOut } : {}),
    view: failoverView,
  });
  if (code !== EXIT.ok || !flags.wait) return code;
  // The run completed; its report says whether the failover did.
  const report = (await (await ctx.client()).workflow.getHandle(workflowId).result()) as FailoverReport;
  // With recoveredWhen, a null RTO after a switch means the application was not healthy in time.
  const unhealthy = report.recovery && report.rtoSeconds === null;
  const rto =
    report.rtoSeconds !== null
      ? `RTO ${report.rtoSeconds} s`
      : unhealthy
        ? 'switched, but not healthy within recoveryTimeout: no RTO (see warnings)'
        : 'no switch was made';
  console.error(`Failover ${report.outcome.toUpperCase()}${report.reason ? `: ${report.reason}` : ''}; ${rto}`);
  return report.outcome === 'completed' ? EXIT.ok : EXIT.failed;
}

async function decide(kind: keyof typeof FAILOVER_SIGNALS, ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv, ['reason', 'by']);
  const workflowId = flags.positionals[0];
  if (!workflowId)
    throw new UsageError(
      `${kind} needs a workflow id: failover ${kind} <workflowId>${kind === 'abort' ? ' [--reason TEXT]' : ''}`,
    );
  const handle = (await ctx.client()).workflow.getHandle(workflowId);
  let info;
  try {
    info = await handle.describe();
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') throw new UsageError(`no workflow with id ${workflowId}`);
    throw err;
  }
  if (info.type !== FailoverWorkflows.FailoverToRegion)
    throw new UsageError(`${workflowId} is a ${info.type} run; ${kind} is for FailoverToRegion runs`);
  if (info.status.name !== 'RUNNING') {
    console.error(`${kind} rejected: ${workflowId} is ${info.status.name}; a decision can no longer change it`);
    return EXIT.badInput;
  }
  const progress = await handle.query<FailoverProgress>(FAILOVER_PROGRESS_QUERY).catch(() => undefined);
  // Whoever approves should have seen what preflight found, and what data the promotion may lose.
  if (kind === 'approve' && progress) console.error(decisionBrief(progress));
  const decision: DecisionInput = {
    by: typeof flags.values.by === 'string' ? flags.values.by : whoAmI(),
    ...(typeof flags.values.reason === 'string' ? { reason: flags.values.reason } : {}),
  };
  // An Update, not a signal: the run's validator answers at once whether it took the decision.
  try {
    const after = await handle.executeUpdate<FailoverProgress, [DecisionInput]>(FAILOVER_SIGNALS[kind], {
      args: [decision],
    });
    console.error(`${kind} accepted by ${workflowId}; it is at step ${after.step}.`);
    printJson({ workflowId, update: FAILOVER_SIGNALS[kind], accepted: true, ...decision, progress: after });
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    const reason = err.cause?.message ?? err.message;
    console.error(`${kind} rejected by ${workflowId}: ${reason.replace(new RegExp(`^${kind} rejected: `), '')}`);
    printJson({ workflowId, update: FAILOVER_SIGNALS[kind], accepted: false, reason });
    // 2, as for refused input: the decision was wrong for the run's state, and nothing was sent on.
    return EXIT.badInput;
  }
}

/** What an approver reads first: preflight's findings, and the RPO once measured. */
function decisionBrief(progress: FailoverProgress): string {
  const findings = progress.steps.find((s) => s.name === 'preflight');
  // The data side may show its RPO in the progress before the report exists.
  const measured = (progress as { rpo?: unknown }).rpo;
  const rpoLine = rpoOf(
    measured ? ({ rpo: measured } as unknown as FailoverReport) : (progress.report ?? ({} as FailoverReport)),
  );
  return [
    `Preflight: ${findings ? `${findings.outcome}: ${findings.detail}` : 'not finished yet'}`,
    ...(rpoLine ? [`RPO: ${rpoLine}`] : []),
    `Waiting for a decision: ${progress.awaitingDecision ? 'yes' : 'no'} (step ${progress.step})`,
  ].join('\n');
}

/** `approve <workflowId> [--by NAME]` */
export function approveCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  return decide('approve', ctx, argv);
}

/** `abort <workflowId> [--reason TEXT] [--by NAME]` */
export function abortCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  return decide('abort', ctx, argv);
}
