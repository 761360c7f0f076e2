import { setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { ClusterProtectionReport, ClusterProtectionRequest } from '../../domain/database/cluster-types';
import { protectionTags } from '../../domain/database/names';
import type { ProtectionProgress, ReplicaObservation } from '../../domain/database/types';
import { DEFAULT_LAG_TIMEOUT, DEFAULT_MAX_LAG_SECONDS, durationMs } from '../../domain/database/validate';
import { CREATE_DEADLINE_MS, changes, hold, reads, stepper, waitInStretches, waits, ensurePlacement } from './calls';
import { checkClusterProtection, findClusterProtection, ownClusterRefs } from './check-cluster';
import { protectionFailure } from './rollback';

/**
 * ProtectDatabase for an Aurora cluster: the source becomes the primary of a global cluster (made,
 * or the one it is in), and a secondary cluster with one reader joins it in the DR VPC, behind a
 * group of its own on the engine port; then the run waits until the secondary is connected and its
 * AuroraGlobalDBRPOLag is within the gate. Checked before any change, idempotent, rolled back on
 * failure or cancellation, never touching the source's data.
 */
export async function protectCluster(
  req: ClusterProtectionRequest,
  progress: ProtectionProgress,
): Promise<ClusterProtectionReport> {
  const protectionId = workflowInfo().workflowId;
  const { region, dbClusterIdentifier: id } = req.replica;
  const at = stepper(
    progress,
    `Protect cluster ${req.source.dbClusterIdentifier} (${req.source.region}) → ${id} (${region})`,
    setCurrentDetails,
  );
  at('check');
  const { plan, inventory } = await checkClusterProtection(req, protectionId);
  const held = ownClusterRefs(inventory);
  held.forEach((ref) => hold(progress, ref));
  const tags = protectionTags(protectionId, req.tags);
  const maxLagSeconds = req.maxLagSeconds ?? DEFAULT_MAX_LAG_SECONDS;
  const lagTimeout = req.lagTimeout ?? DEFAULT_LAG_TIMEOUT;
  const globalId = plan.globalClusterIdentifier;
  try {
    at('global-cluster');
    const global = await changes.ensureGlobalCluster.executeWithOptions(
      { summary: `Global cluster ${globalId} led by ${req.source.dbClusterIdentifier}` },
      [{ region: req.source.region, globalClusterIdentifier: globalId, sourceArn: plan.sourceArn, tags }],
    );
    if (global.made) hold(progress, global.ref);
    const { group } = await ensurePlacement(progress, at, plan, { region, protectionId, tags });
    at('replica');
    const secondary = await changes.ensureSecondaryCluster.executeWithOptions(
      { summary: `Secondary cluster ${id} in ${region}, in ${globalId}` },
      [
        {
          region,
          dbClusterIdentifier: id,
          globalClusterIdentifier: globalId,
          engine: plan.engine,
          engineVersion: plan.engineVersion,
          dbSubnetGroupName: plan.subnetGroupName,
          vpcSecurityGroupIds: [group.ref.id],
          protectionId,
          tags,
        },
      ],
    );
    hold(progress, secondary.ref);
    const reader = await changes.ensureClusterReader.executeWithOptions(
      { summary: `Reader ${plan.readerInstanceIdentifier} in ${id}` },
      [
        {
          region,
          dbInstanceIdentifier: plan.readerInstanceIdentifier,
          dbClusterIdentifier: id,
          engine: plan.engine,
          dbInstanceClass: plan.dbInstanceClass,
          protectionId,
          tags,
        },
      ],
    );
    hold(progress, reader.ref);

    const show = (o: ReplicaObservation) => (progress.replica = { ...progress.replica, ...o });
    const target = { region, dbClusterIdentifier: id, globalClusterIdentifier: globalId };
    at('replicating');
    const createBy = new Date(new Date().getTime() + CREATE_DEADLINE_MS).toISOString();
    const replication = await waitInStretches(
      (lastSeen) =>
        waits.waitForSecondary.executeWithOptions({ summary: `Wait until ${id} is a connected secondary` }, [
          {
            ...target,
            readerInstanceIdentifier: plan.readerInstanceIdentifier,
            deadline: createBy,
            ...(lastSeen ? { lastSeen } : {}),
          },
        ]),
      show,
    );
    at('lag');
    const lagBy = new Date(new Date().getTime() + durationMs(lagTimeout)!).toISOString();
    const lag = await waitInStretches(
      (lastSeen) =>
        waits.waitForClusterLag.executeWithOptions(
          { summary: `Wait until ${id}'s AuroraGlobalDBRPOLag is at most ${maxLagSeconds} s` },
          [{ ...target, deadline: lagBy, maxLagSeconds, timeout: lagTimeout, ...(lastSeen ? { lastSeen } : {}) }],
        ),
      show,
    );
    const facts = await reads.readCluster.executeWithOptions({ summary: `Read ${id} for the report` }, [req.replica]);
    at('done');
    return {
      source: {
        ...req.source,
        arn: plan.sourceArn,
        engine: plan.engine,
        engineVersion: plan.engineVersion,
        port: plan.port,
      },
      replica: {
        region,
        dbClusterIdentifier: id,
        arn: facts?.arn ?? secondary.arn,
        endpoint: facts?.readerEndpoint ?? '',
        vpcId: plan.vpcId,
        dbSubnetGroupName: plan.subnetGroupName,
        securityGroupId: group.ref.id,
        securityGroupIds: facts?.securityGroupIds.length ? facts.securityGroupIds : [group.ref.id],
        readerInstanceIdentifier: plan.readerInstanceIdentifier,
      },
      globalClusterIdentifier: globalId,
      replicationStatus: replication.replicationStatus ?? replication.status,
      lagSeconds: lag.lagSeconds ?? null,
      ...(lag.measuredAt ? { lagMeasuredAt: lag.measuredAt } : {}),
      created: progress.created,
    };
  } catch (err) {
    throw await protectionFailure(err, {
      protectionId,
      progress,
      replica: { region, dbInstanceIdentifier: plan.readerInstanceIdentifier },
      network: true,
      vpcId: plan.vpcId,
      held,
      never: [],
      search: async () => ownClusterRefs(await findClusterProtection(req, protectionId, plan.vpcId)),
    });
  }
}
