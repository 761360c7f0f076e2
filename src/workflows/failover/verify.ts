import { isCancellation, proxyActivities } from '@temporalio/workflow';
import { sameRecordValue } from '../../domain/failover/dns-names';
import type { RecordRead } from '../../domain/failover/reads';
import { describeRecord } from '../../domain/failover/preflight';
import { explain } from '../failures';
import { end, seconds, type FailoverRun, type StepEnd } from './run';
import { EC2_CALL, type Activities } from '../activity-options';

const reads = proxyActivities<Activities>(EC2_CALL);

/** Reads the record back: the switch counts only once Route 53 answers with `to.value`. Measures the RTO. */
export async function verifyRecord(run: FailoverRun): Promise<StepEnd | undefined> {
  const { req, key, recordName, report } = run;
  const v = run.begin('verify-record', `read ${recordName} back`);
  let after: RecordRead;
  try {
    after = await reads.readRecord.executeWithOptions({ summary: `Read ${recordName} back, expect ${req.to.value}` }, [
      key,
    ]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    run.record('verify-record', v, 'failed', explain(err));
    return end('failed', `could not read ${recordName} back: ${explain(err)}`);
  }
  const verifiedAt = new Date();
  run.verifiedAt = verifiedAt;
  report.recordAfter = after.record;
  if (!after.record || after.unsupported || !sameRecordValue(req.recordType, after.record.value, req.to.value)) {
    const got = after.record ? after.record.value : 'no record';
    run.record(
      'verify-record',
      v,
      'failed',
      `read back ${got}, expected ${req.to.value}${after.unsupported ? ` (${after.unsupported})` : ''}`,
    );
    return end('failed', `${recordName} reads ${got} after the switch, not ${req.to.value}`);
  }
  report.rtoSeconds = seconds(run.rtoStart!, verifiedAt);
  run.record(
    'verify-record',
    v,
    'ok',
    `${describeRecord(after.record)}; switch verified ${report.rtoSeconds} s after ${req.approval === 'signal' ? 'approval' : 'the start'}`,
  );
  return undefined;
}
