import { awaitResult } from './follow';
import { printJson, UsageError, webUiLink } from './output';
import type { CommandContext } from './peering-commands';
import { PROGRESS_VIEWS } from './progress-views';
import { parseFlags } from './args';

/** `status <workflowId> [--wait]`: the run's state, its progress, and its result once closed. */
export async function statusCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  const workflowId = flags.positionals[0];
  if (!workflowId) throw new UsageError('status needs a workflow id: status <workflowId>');
  const handle = (await ctx.client()).workflow.getHandle(workflowId);
  const info = await handle.describe();
  const progress = await handle.query<Record<string, unknown>>('progress').catch(() => undefined);
  console.error(`Web UI: ${webUiLink(ctx.namespace, workflowId)}`);
  if (flags.wait && info.status.name === 'RUNNING') {
    const view = PROGRESS_VIEWS[info.type];
    return awaitResult(handle, { namespace: ctx.namespace, workflowType: info.type, ...(view ? { view } : {}) });
  }
  const result = info.status.name === 'COMPLETED' ? await handle.result() : undefined;
  printJson({
    workflowId,
    type: info.type,
    status: info.status.name,
    startTime: info.startTime,
    closeTime: info.closeTime,
    progress,
    result,
    // A cancelled failover keeps its report in the memo (its result is a CanceledFailure).
    ...(info.memo?.failoverReport ? { report: info.memo.failoverReport } : {}),
  });
  return info.status.name === 'FAILED' || info.status.name === 'TERMINATED' || info.status.name === 'TIMED_OUT' ? 1 : 0;
}
