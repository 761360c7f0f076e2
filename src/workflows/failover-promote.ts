import { isCancellation, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { FailoverReport } from '../domain/failover-types';
import { explain } from './failures';
import type { FailoverRun } from './failover-run';
import { PROMOTION } from './profiles';

type Activities = ReturnType<typeof createActivities>;
const promotion = proxyActivities<Activities>(PROMOTION);

/** Promotes the standby database before traffic moves. A drill never promotes: the replica is the real standby. */
export async function promote(run: FailoverRun): Promise<FailoverReport | undefined> {
  const { report, recordName } = run;
  const replica = run.req.promoteReplica;
  const p = run.begin('promote-replica', replica ? `promote ${replica.dbInstanceIdentifier}` : 'nothing to promote');
  if (run.drill && replica) {
    run.record(
      'promote-replica',
      p,
      'skipped',
      `drill: ${replica.dbInstanceIdentifier} in ${replica.region} is not promoted; a drill must never promote the real replica (preflight found it replicating)`,
    );
    return undefined;
  }
  if (!replica) {
    run.record(
      'promote-replica',
      p,
      'skipped',
      'no promoteReplica in the request (a failback, or no database to move)',
    );
    return undefined;
  }
  try {
    const r = await promotion.promoteReplica.executeWithOptions(
      { summary: `Promote ${replica.dbInstanceIdentifier} in ${replica.region}, wait until available` },
      [replica],
    );
    report.promotion = r.action;
    const source = r.replicaSourceAfter
      ? `; RDS still lists ${r.replicaSourceAfter} as its source`
      : '; now a standalone instance';
    run.record(
      'promote-replica',
      p,
      'ok',
      `${replica.dbInstanceIdentifier} ${r.action === 'promoted' ? 'promoted' : 'was already promoted'} in ${replica.region}, status ${r.status}${source}`,
    );
    return undefined;
  } catch (err) {
    if (isCancellation(err)) throw err;
    report.promotion = 'failed';
    run.record(
      'promote-replica',
      p,
      'failed',
      `${explain(err)}. A promotion RDS accepted keeps running and is not undone; ${recordName} was not changed. Run the same request again to resume.`,
    );
    return run.finish('failed', `promotion of ${replica.dbInstanceIdentifier} failed: ${explain(err)}`);
  }
}
