import { CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { FailoverReport } from '../../domain/failover/types';
import { explain } from '../failures';
import { end, type FailoverRun, type StepEnd } from './run';
import { CLEANUP, DNS_SWITCH, EC2_CALL, type Activities } from '../activity-options';

const dns = proxyActivities<Activities>(DNS_SWITCH);
const reads = proxyActivities<Activities>(EC2_CALL);
const cleanup = proxyActivities<Activities>(CLEANUP);

/** A drill's own record, created with `from.value`; the drill then switches it like production. */
export async function createDrillRecord(run: FailoverRun): Promise<StepEnd | undefined> {
  const { req, key, recordName, ttl } = run;
  const s = run.begin('create-drill-record', `create ${recordName} with from.value`);
  run.drillRecordTouched = true;
  try {
    await dns.createDrillRecord.executeWithOptions(
      { summary: `Create drill record ${recordName} → ${req.from.value}` },
      [{ ...key, value: req.from.value, ttl, comment: run.comment, ownValues: run.ownValues }],
    );
  } catch (err) {
    if (isCancellation(err)) throw err;
    run.record('create-drill-record', s, 'failed', explain(err));
    return end('failed', `could not create the drill record: ${explain(err)}`);
  }
  run.report.recordBefore = {
    name: recordName,
    type: req.recordType,
    ttl,
    value: req.from.value,
    values: [req.from.value],
  };
  run.record(
    'create-drill-record',
    s,
    'ok',
    `${recordName} ${req.recordType} → ${req.from.value} (TTL ${ttl}), INSYNC; drill setup, not counted in rtoSeconds`,
  );
  run.drillSetupMs = new Date().getTime() - s.getTime();
  return undefined;
}

/**
 * Runs the drill's steps, then, also on cancellation or failure, deletes the drill record and
 * proves production untouched: a drill leaves nothing behind.
 */
export async function withDrillCleanup(
  run: FailoverRun,
  steps: () => Promise<FailoverReport>,
): Promise<FailoverReport> {
  let result: FailoverReport | undefined;
  try {
    result = await steps();
    return result;
  } finally {
    await CancellationScope.nonCancellable(async () => {
      if (run.drillRecordTouched) await deleteDrillRecord(run, result);
      await productionUntouched(run, result);
      run.progress.step = 'done';
    });
  }
}

async function deleteDrillRecord(run: FailoverRun, result: FailoverReport | undefined): Promise<void> {
  const { key, recordName } = run;
  const d = run.begin('delete-drill-record', `delete ${recordName}`);
  try {
    const out = await cleanup.deleteDrillRecord.executeWithOptions({ summary: `Delete drill record ${recordName}` }, [
      { ...key, ownValues: run.ownValues },
    ]);
    run.record('delete-drill-record', d, 'ok', out.detail);
  } catch (err) {
    run.record('delete-drill-record', d, 'failed', `${explain(err)}; delete ${recordName} by hand`);
    if (result?.outcome === 'completed')
      run.finish('failed', `the drill record ${recordName} could not be deleted: ${explain(err)}`);
  }
}

async function productionUntouched(run: FailoverRun, result: FailoverReport | undefined): Promise<void> {
  const { productionKey } = run;
  const name = productionKey.recordName;
  const u = run.begin('production-untouched', `re-read ${name}`);
  try {
    const now = (await reads.readRecord.executeWithOptions({ summary: `Re-read production ${name}` }, [productionKey]))
      .record;
    const before = run.report.productionRecord;
    if (now?.value === before?.value && now?.ttl === before?.ttl) {
      run.record(
        'production-untouched',
        u,
        'ok',
        `${name} still ${now ? `points to ${now.value} (TTL ${now.ttl ?? 'none'})` : 'absent'}; this run never wrote it`,
      );
    } else {
      run.record(
        'production-untouched',
        u,
        'failed',
        `${name} was ${before ? before.value : 'absent'} and is now ${now ? now.value : 'absent'}; this drill never writes it, so something else did`,
      );
      if (result?.outcome === 'completed')
        run.finish('failed', `the production record changed during the drill (not by this run)`);
    }
  } catch (err) {
    run.record('production-untouched', u, 'failed', `could not re-read it: ${explain(err)}`);
  }
}
