import { isCancellation, proxyActivities } from '@temporalio/workflow';
import { decideCluster, type ClusterSide } from '../../domain/failover/cluster-promotion';
import { isPlanned } from '../../domain/failover/planned';
import { EC2_CALL, PROMOTION, type Activities } from '../activity-options';
import { explain } from '../failures';
import { end, type FailoverRun, type StepEnd } from './run';

const reads = proxyActivities<Activities>(EC2_CALL);
const promotion = proxyActivities<Activities>(PROMOTION);

/**
 * Preflight of the Aurora target, read in the target region only: it is a secondary of a global
 * cluster with an instance, and the RPO (AuroraGlobalDBRPOLag, or 0 for a planned switchover),
 * gated by maxRpoSeconds. Read-only: a problem fails the run with nothing changed.
 */
export async function preflightCluster(run: FailoverRun, side: ClusterSide): Promise<StepEnd | undefined> {
  const { cluster } = side;
  const started = run.begin('preflight', `Aurora ${cluster.dbClusterIdentifier} in ${cluster.region}`);
  run.report.promotion = run.drill ? 'skipped-in-drill' : 'not-reached';
  let decided;
  try {
    const facts = await reads.readClusterFailover.executeWithOptions(
      {
        summary: `Read ${cluster.dbClusterIdentifier}, its global cluster and AuroraGlobalDBRPOLag in ${cluster.region}`,
      },
      [{ region: cluster.region, dbClusterIdentifier: cluster.dbClusterIdentifier }],
    );
    decided = decideCluster(cluster, facts, { planned: isPlanned(run.req), drill: run.drill });
  } catch (err) {
    if (isCancellation(err)) throw err;
    decided = { found: [], problems: [`${cluster.dbClusterIdentifier} could not be read: ${explain(err)}`] };
  }
  if ('rpo' in decided) run.report.rpo = decided.rpo;
  if ('globalClusterIdentifier' in decided && decided.globalClusterIdentifier)
    side.globalClusterIdentifier = decided.globalClusterIdentifier;
  if ('alreadyWriter' in decided) side.alreadyWriter = decided.alreadyWriter;
  if (decided.problems.length) {
    run.record('preflight', started, 'failed', `${decided.problems.join('; ')}. Nothing was changed.`);
    return end('failed', `preflight: ${decided.problems.join('; ')}`);
  }
  run.record('preflight', started, 'ok', decided.found.join('; '));
  return undefined;
}

/**
 * Makes the target the global cluster's writer: unplanned, FailoverGlobalCluster with
 * AllowDataLoss (works with the source region down); planned, SwitchoverGlobalCluster. Waits until
 * the global cluster lists the target as writer. A drill never moves the production writer.
 */
export async function promoteCluster(run: FailoverRun, side: ClusterSide): Promise<StepEnd | undefined> {
  const { cluster } = side;
  const globalId = side.globalClusterIdentifier ?? '';
  const planned = isPlanned(run.req);
  const p = run.begin('promote-replica', `make ${cluster.dbClusterIdentifier} the writer of ${globalId}`);
  if (run.drill) {
    run.record(
      'promote-replica',
      p,
      'skipped',
      `drill: ${cluster.dbClusterIdentifier} is not made the writer; a drill never moves the production writer`,
    );
    return undefined;
  }
  try {
    const r = await promotion.moveGlobalWriter.executeWithOptions(
      {
        summary: `${planned ? 'SwitchoverGlobalCluster' : 'FailoverGlobalCluster (AllowDataLoss)'} ${globalId} → ${cluster.dbClusterIdentifier}; wait until it writes`,
      },
      [
        {
          region: cluster.region,
          dbClusterIdentifier: cluster.dbClusterIdentifier,
          globalClusterIdentifier: globalId,
          mode: planned ? 'switchover' : 'failover',
        },
      ],
    );
    const ours = r.action === 'moved' && !side.alreadyWriter;
    run.report.promotion = ours ? 'promoted' : 'already-promoted';
    run.record(
      'promote-replica',
      p,
      'ok',
      `${cluster.dbClusterIdentifier} ${ours ? (planned ? 'switched over to' : 'failed over to (AllowDataLoss)') : 'already was'} the writer of ${globalId} in ${cluster.region} (${r.status}); traffic may move to it`,
    );
    return undefined;
  } catch (err) {
    if (isCancellation(err)) throw err;
    run.report.promotion = 'failed';
    run.record(
      'promote-replica',
      p,
      'failed',
      `${explain(err)}. An operation Aurora accepted keeps running; ${run.recordName} was not changed. Run the same request again to resume.`,
    );
    return end('failed', `failover of ${globalId} to ${cluster.dbClusterIdentifier} failed: ${explain(err)}`);
  }
}
