import { setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { ClusterProtectionReport, ClusterReprotectRequest } from '../../domain/database/cluster-types';
import { protectionTags } from '../../domain/database/names';
import type { ProtectionProgress, ReplicaObservation } from '../../domain/database/types';
import { DEFAULT_LAG_TIMEOUT, DEFAULT_MAX_LAG_SECONDS, durationMs } from '../../domain/database/validate';
import { FailureTypes } from '../../domain/failure-types';
import { invalidInput } from '../failures';
import { changes, reads, stepper, waitInStretches, waits } from './calls';

const invalid = (field: string, reason: string) =>
  invalidInput(FailureTypes.InvalidProtectionRequest, { field, reason });

/**
 * ReprotectDatabase for an Aurora global database, after an unplanned failover: Aurora itself
 * re-adds the old primary as a secondary once its region is healthy, so the run waits for that
 * (and for its AuroraGlobalDBRPOLag to come within the gate), and copies the system snapshot Aurora
 * took of the old volume to a manual one, so that the writes the failover lost are kept.
 */
export async function reprotectCluster(
  req: ClusterReprotectRequest,
  progress: ProtectionProgress,
): Promise<ClusterProtectionReport> {
  const protectionId = workflowInfo().workflowId;
  const old = req.oldPrimary;
  const at = stepper(
    progress,
    `Re-protect ${req.primary.dbClusterIdentifier} (${req.primary.region}) → ${old.dbClusterIdentifier} (${old.region})`,
    setCurrentDetails,
  );
  at('check');
  const primary = await reads.readCluster.executeWithOptions(
    { summary: `Read the primary ${req.primary.dbClusterIdentifier}` },
    [req.primary],
  );
  if (!primary)
    throw invalid(
      'primary.dbClusterIdentifier',
      `no DB cluster ${req.primary.dbClusterIdentifier} in ${req.primary.region}`,
    );
  const globalId = primary.globalClusterIdentifier;
  if (!globalId) throw invalid('primary.dbClusterIdentifier', `${primary.dbClusterIdentifier} is in no global cluster`);
  const global = await reads.readGlobalCluster.executeWithOptions({ summary: `Read global cluster ${globalId}` }, [
    { region: req.primary.region, globalClusterIdentifier: globalId },
  ]);
  if (!global?.members.some((m) => m.writer && m.arn === primary.arn))
    throw invalid(
      'primary.dbClusterIdentifier',
      `${primary.dbClusterIdentifier} is not the writer of ${globalId}; re-protect from the writer`,
    );
  const maxLagSeconds = req.maxLagSeconds ?? DEFAULT_MAX_LAG_SECONDS;
  const lagTimeout = req.lagTimeout ?? DEFAULT_LAG_TIMEOUT;
  const deadline = new Date(new Date().getTime() + durationMs(lagTimeout)!).toISOString();
  const show = (o: ReplicaObservation) => (progress.replica = { ...progress.replica, ...o });
  const target = {
    region: old.region,
    dbClusterIdentifier: old.dbClusterIdentifier,
    globalClusterIdentifier: globalId,
  };

  at('replicating');
  const replication = await waitInStretches(
    (lastSeen) =>
      waits.waitForSecondary.executeWithOptions(
        { summary: `Wait until Aurora re-adds ${old.dbClusterIdentifier} to ${globalId} as a connected secondary` },
        [{ ...target, deadline, ...(lastSeen ? { lastSeen } : {}) }],
      ),
    show,
  );
  at('retire');
  const lostWrites = await changes.keepLostWrites.executeWithOptions(
    { summary: `Copy ${old.dbClusterIdentifier}'s unplanned-global-failover snapshot to a manual one` },
    [
      {
        region: old.region,
        dbClusterIdentifier: old.dbClusterIdentifier,
        protectionId,
        tags: protectionTags(protectionId, req.tags),
      },
    ],
  );
  at('lag');
  const lag = await waitInStretches(
    (lastSeen) =>
      waits.waitForClusterLag.executeWithOptions(
        { summary: `Wait until ${old.dbClusterIdentifier}'s AuroraGlobalDBRPOLag is at most ${maxLagSeconds} s` },
        [{ ...target, deadline, maxLagSeconds, timeout: lagTimeout, ...(lastSeen ? { lastSeen } : {}) }],
      ),
    show,
  );
  const secondary = await reads.readCluster.executeWithOptions({ summary: `Read ${old.dbClusterIdentifier}` }, [old]);
  at('done');
  return {
    source: {
      ...req.primary,
      arn: primary.arn,
      engine: primary.engine,
      engineVersion: primary.engineVersion,
      port: primary.port ?? 0,
    },
    replica: {
      ...old,
      arn: secondary?.arn ?? '',
      endpoint: secondary?.readerEndpoint ?? '',
      vpcId: '',
      dbSubnetGroupName: secondary?.dbSubnetGroupName ?? '',
      securityGroupId: secondary?.securityGroupIds[0] ?? '',
      securityGroupIds: secondary?.securityGroupIds ?? [],
      readerInstanceIdentifier: secondary?.members[0]?.dbInstanceIdentifier ?? '',
    },
    globalClusterIdentifier: globalId,
    replicationStatus: replication.replicationStatus ?? replication.status,
    lagSeconds: lag.lagSeconds ?? null,
    ...(lag.measuredAt ? { lagMeasuredAt: lag.measuredAt } : {}),
    created: [],
    lostWritesSnapshot: lostWrites,
  };
}
