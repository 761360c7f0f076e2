import { isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { explain } from '../failures';
import { end, type FailoverRun, type StepEnd } from './run';
import { promoteCluster } from './promote-cluster';
import { PROMOTION, type Activities } from '../activity-options';

const promotion = proxyActivities<Activities>(PROMOTION);

/** Promotes the standby database before traffic moves. A drill never promotes: the replica is the real standby. */
export async function promote(run: FailoverRun): Promise<StepEnd | undefined> {
  if (run.cluster) return promoteCluster(run, run.cluster);
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
      {
        summary: `Promote ${replica.dbInstanceIdentifier} in ${replica.region}; wait until available with no replication source`,
      },
      // Tagged promoted-by/-from before RDS is asked: a re-run then sees the instance as this project's.
      [{ ...replica, promotedBy: workflowInfo().workflowId, promotedFrom: run.req.from.region }],
    );
    // Preflight saw it replicating: found promoted now means this run's earlier attempt promoted it.
    const ours = r.action === 'promoted' || run.replicaSource !== undefined;
    report.promotion = ours ? 'promoted' : 'already-promoted';
    const source = run.replicaSource ?? r.sourceBefore;
    run.record(
      'promote-replica',
      p,
      'ok',
      `${replica.dbInstanceIdentifier} ${ours ? 'promoted' : 'was already promoted'} in ${replica.region}: ${r.status}, no replication source${source ? ` (was a read replica of ${source})` : ''}; writable, so traffic may move to it`,
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
    return end('failed', `promotion of ${replica.dbInstanceIdentifier} failed: ${explain(err)}`);
  }
}
