import { ApplicationFailure, isCancellation, patched, proxyActivities } from '@temporalio/workflow';
import { FailureTypes } from '../../domain/failure-types';
import { explain, rootCause } from '../failures';
import { end, type FailoverRun, type StepEnd } from './run';
import { DNS_SWITCH, type Activities } from '../activity-options';

const dns = proxyActivities<Activities>(DNS_SWITCH);

/**
 * The switch. Outside a drill, one change batch: DELETE of the record as preflight read it and
 * CREATE of `to.value`, so that it applies only while the record holds what preflight saw (the
 * guard when two runs race on one record, or someone changed it by hand meanwhile). Drills, and
 * runs from before that, UPSERT. From here on a promoted replica stays promoted.
 */
export async function switchRecord(run: FailoverRun): Promise<StepEnd | undefined> {
  const { req, key, recordName, report, ttl } = run;
  const before = report.recordBefore;
  const oneBatch = !run.drill && before !== null && patched('failover-switch-one-batch');
  const verb = oneBatch ? 'DELETE+CREATE' : 'UPSERT';
  const sw = run.begin('switch-record', `${verb} ${recordName} → ${req.to.value}`);
  if (oneBatch && run.alreadySwitched) {
    run.record(
      'switch-record',
      sw,
      'skipped',
      `${recordName} already pointed to ${req.to.value} in preflight; not written again`,
    );
    return undefined;
  }
  try {
    let detail: string;
    if (oneBatch) {
      const c = await dns.replaceRecord.executeWithOptions(
        { summary: `DELETE ${recordName} → ${before.value}, CREATE → ${req.to.value} (one batch), wait for INSYNC` },
        [{ ...key, expected: before, value: req.to.value, ttl, comment: run.comment }],
      );
      detail = c.foundApplied
        ? `${recordName} ${req.recordType} found at ${req.to.value} on a retry (activity attempt ${c.attempt}): the earlier send's change was applied and its answer lost`
        : `DELETE ${recordName} ${req.recordType} → ${before.value} + CREATE → ${req.to.value} (TTL ${ttl}) in one batch; change ${c.changeId} ${c.submittedStatus && c.submittedStatus !== c.status ? `${c.submittedStatus}, then ` : ''}${c.status}${c.attempt > 1 ? ` on attempt ${c.attempt}` : ''}`;
    } else {
      const c = await dns.upsertRecord.executeWithOptions(
        { summary: `UPSERT ${recordName} ${req.recordType} → ${req.to.value}, wait for INSYNC` },
        [{ ...key, value: req.to.value, ttl, comment: run.comment }],
      );
      detail = `UPSERT ${recordName} ${req.recordType} → ${req.to.value} (TTL ${ttl}); change ${c.changeId} ${c.status}${c.attempt > 1 ? ` on attempt ${c.attempt}` : ''}`;
    }
    run.record('switch-record', sw, 'ok', detail);
    return undefined;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const promoted = report.promotion === 'promoted' || report.promotion === 'already-promoted';
    const cause = rootCause(err);
    const changed = cause instanceof ApplicationFailure && cause.type === FailureTypes.RecordChanged;
    // An Aurora run names its cluster apart (run.cluster); an instance run, its replica.
    const promotedDb = run.cluster?.cluster.dbClusterIdentifier ?? req.promoteReplica?.dbInstanceIdentifier;
    const consequence = promoted
      ? ` The promotion of ${promotedDb} is NOT undone: it is the writer in ${req.to.region} now, while ${recordName} does not point to ${req.to.value}. ${changed ? 'Find out who changed the record, then run the request again' : 'Fix the cause and run the same request again: the promotion is found done and the switch is retried'}.`
      : ` ${recordName} was not changed.`;
    run.record('switch-record', sw, 'failed', `${explain(err)}.${consequence}`);
    return end(
      'failed',
      changed
        ? `${explain(err)}${promoted ? '; the promotion is not undone' : ''}`
        : `DNS switch failed after retries: ${explain(err)}${promoted ? '; the promotion is not undone' : ''}`,
    );
  }
}
