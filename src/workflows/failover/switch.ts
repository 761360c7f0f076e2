import { isCancellation, proxyActivities } from '@temporalio/workflow';
import { explain } from '../failures';
import { end, type FailoverRun, type StepEnd } from './run';
import { DNS_SWITCH, type Activities } from '../activity-options';

const dns = proxyActivities<Activities>(DNS_SWITCH);

/** The switch: UPSERT the record to `to.value`. From here on a promoted replica stays promoted. */
export async function switchRecord(run: FailoverRun): Promise<StepEnd | undefined> {
  const { req, key, recordName, report, ttl } = run;
  const sw = run.begin('switch-record', `UPSERT ${recordName} → ${req.to.value}`);
  try {
    const c = await dns.upsertRecord.executeWithOptions(
      { summary: `UPSERT ${recordName} ${req.recordType} → ${req.to.value}, wait for INSYNC` },
      [{ ...key, value: req.to.value, ttl, comment: run.comment }],
    );
    run.record(
      'switch-record',
      sw,
      'ok',
      `UPSERT ${recordName} ${req.recordType} → ${req.to.value} (TTL ${ttl}); change ${c.changeId} ${c.status}${c.attempt > 1 ? ` on attempt ${c.attempt}` : ''}`,
    );
    return undefined;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const promoted = report.promotion === 'promoted' || report.promotion === 'already-promoted';
    const consequence = promoted
      ? ` The promotion of ${req.promoteReplica!.dbInstanceIdentifier} is NOT undone: it is a standalone instance in ${req.to.region} now, while ${recordName} still points to ${req.from.value}. Fix the cause and run the same request again: the promotion is found done and the switch is retried.`
      : ` ${recordName} was not changed.`;
    run.record('switch-record', sw, 'failed', `${explain(err)}.${consequence}`);
    return end(
      'failed',
      `DNS switch failed after retries: ${explain(err)}${promoted ? '; the promotion is not undone' : ''}`,
    );
  }
}
