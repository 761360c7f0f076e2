import { proxyActivities, upsertMemo } from '@temporalio/workflow';
import { interruptedDetail, changesMade } from '../../domain/failover/cancel-report';
import { explain } from '../failures';
import { EC2_CALL, type Activities } from '../activity-options';
import { notify } from './notify';
import type { FailoverRun } from './run';

const reads = proxyActivities<Activities>(EC2_CALL);

/** Runs from before this ended on a cancellation with no report. Asked only when one comes. */
export const CANCEL_REPORT_PATCH = 'failover-decision-cancel-report';

/** The memo key under which a cancelled run keeps its report: readable with `describe`, no worker needed. */
export const REPORT_MEMO = 'failoverReport';

/**
 * A cancelled failover's report, made in a non-cancellable scope by the caller: each step the
 * cancellation interrupted is recorded with what AWS keeps doing (a promotion RDS accepted goes on),
 * the record is read back, and the report is kept in the `progress` query and the memo, since the
 * run's result is then a CanceledFailure. Nothing is undone: the report says what changed.
 */
export async function finishCancelled(run: FailoverRun): Promise<void> {
  const { report, req } = run;
  const interrupted = [...(run.progress.running ?? [])];
  const replica = req.promoteReplica;
  const promoting = interrupted.includes('promote-replica') && replica && !run.drill;
  const [replicaNow, recordNow] = await Promise.all([
    promoting ? reads.describeReplica(replica).catch((err: unknown) => explain(err)) : undefined,
    run.drill ? undefined : reads.readRecord({ ...run.key, bounded: true }).catch((err: unknown) => explain(err)),
  ]);
  for (const name of interrupted) {
    const detail = interruptedDetail(name, {
      ...(replicaNow !== undefined ? { replica: replicaNow } : {}),
      ...(run.replicaSource ? { replicaSource: run.replicaSource } : {}),
    });
    if (name === 'promote-replica' && typeof replicaNow === 'object' && !replicaNow.replicaSource && run.replicaSource)
      report.promotion = 'promoted';
    run.record(name, run.began.get(name) ?? new Date(), 'aborted', detail);
  }
  if (typeof recordNow === 'object') report.recordAfter = recordNow.record;
  else if (typeof recordNow === 'string')
    report.warnings?.push(`the record could not be read back after the cancellation: ${recordNow}`);
  const changed = changesMade(report);
  const during = interrupted.length ? ` during ${interrupted.join(', ')} (its step says what AWS keeps doing)` : '';
  const before = changed.length ? `changed before that: ${changed.join('; ')}` : 'nothing had been changed before';
  run.finish('aborted', `cancelled${during}; ${before}`);
  upsertMemo({ [REPORT_MEMO]: report });
  await notify(run, 'ended');
}
