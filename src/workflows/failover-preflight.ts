import { isCancellation, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { readPreflight, type Settled } from '../domain/failover-preflight';
import type { FailoverReport } from '../domain/failover-types';
import { explain } from './failures';
import { settleTtl, type FailoverRun } from './failover-run';
import { EC2_CALL } from './profiles';

type Activities = ReturnType<typeof createActivities>;
const reads = proxyActivities<Activities>(EC2_CALL);

async function settle<T>(call: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await call };
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { ok: false, error: explain(err) };
  }
}

/**
 * Preflight: read-only, so a failure here changes nothing. Every check runs at once and every
 * problem is reported together. Answers the finished report when the run ends here (a problem, or
 * traffic already on the target), else undefined.
 */
export async function preflight(run: FailoverRun): Promise<FailoverReport | undefined> {
  const { req, key, productionKey, recordName } = run;
  const replica = req.promoteReplica;
  const started = run.begin('preflight', 'peering, zone, record, replica');
  // Scheduled in this order, in one workflow task: the recorded histories expect it.
  const peering = settle(
    reads.checkPeeringPath.executeWithOptions(
      { summary: `Check ${req.peeringConnectionId} is active with routes (${run.route})` },
      [{ peeringConnectionId: req.peeringConnectionId, regions: [req.from.region, req.to.region] }],
    ),
  );
  const zone = settle(
    reads.getHostedZone.executeWithOptions({ summary: `Find hosted zone ${req.hostedZoneId}` }, [
      { hostedZoneId: req.hostedZoneId },
    ]),
  );
  const record = settle(
    reads.readRecord.executeWithOptions({ summary: `Read ${recordName} ${req.recordType}` }, [key]),
  );
  const production = run.drill
    ? settle(
        reads.readRecord.executeWithOptions(
          { summary: `Read production ${productionKey.recordName} (never written in a drill)` },
          [productionKey],
        ),
      )
    : undefined;
  const replicaState = replica
    ? settle(
        reads.describeReplica.executeWithOptions(
          { summary: `Describe replica ${replica.dbInstanceIdentifier} in ${replica.region}` },
          [replica],
        ),
      )
    : undefined;
  const reading = readPreflight(req, {
    peering: await peering,
    zone: await zone,
    record: await record,
    ...(production ? { production: await production } : {}),
    ...(replicaState ? { replica: await replicaState } : {}),
  });
  const { found, problems } = reading;
  run.report.recordBefore = reading.recordBefore;
  if (run.drill) run.report.productionRecord = reading.productionRecord ?? null;

  if (reading.alreadyOnTarget) {
    run.record(
      'preflight',
      started,
      'ok',
      [...found, ...problems.map((p) => `not needed for a no-op: ${p}`)].join('; '),
    );
    const s = run.begin('already-on-target', 'nothing to do');
    if (replica) run.report.promotion = 'not-needed';
    run.record(
      'already-on-target',
      s,
      'ok',
      `${recordName} already points to ${req.to.value} (${req.to.region}); nothing was changed, the replica was not touched`,
    );
    return run.finish('completed');
  }
  if (problems.length) {
    run.record(
      'preflight',
      started,
      'failed',
      `${problems.join('; ')}. Nothing was changed.${found.length ? ` Found: ${found.join('; ')}` : ''}`,
    );
    return run.finish('failed', `preflight: ${problems.join('; ')}`);
  }
  run.record('preflight', started, 'ok', found.join('; '));
  settleTtl(run);
  return undefined;
}
