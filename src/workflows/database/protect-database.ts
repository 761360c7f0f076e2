import { defineQuery, patched, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  namesCluster,
  type ClusterProtectionReport,
  type ClusterProtectionRequest,
} from '../../domain/database/cluster-types';
import { validateClusterProtectionRequest } from '../../domain/database/cluster-validate';
import { protectionTags } from '../../domain/database/names';
import {
  PROTECTION_PROGRESS_QUERY,
  type ProtectionProgress,
  type ProtectionReport,
  type ProtectionRequest,
} from '../../domain/database/types';
import {
  DEFAULT_LAG_TIMEOUT,
  DEFAULT_MAX_LAG_SECONDS,
  durationMs,
  validateProtectionRequest,
} from '../../domain/database/validate';
import { FailureTypes } from '../../domain/failure-types';
import { invalidInput } from '../failures';
import { changes, hold, reads, stepper, waitUntilProtecting, ensurePlacement } from './calls';
import { checkProtection, ownRefs } from './check';
import { protectCluster } from './protect-cluster';
import { protectionFailure } from './rollback';

export const protectionProgressQuery = defineQuery<ProtectionProgress>(PROTECTION_PROGRESS_QUERY);

/**
 * Makes the replication the DR site exists for: a cross-region read replica of the source, in the
 * DR VPC's subnets, behind a group of its own that admits only the engine's port from the two
 * sites' networks; then waits until it replicates and its lag is within the gate. Everything is
 * checked before anything is made; a re-run under the same id finds its earlier work and makes
 * nothing new; a failure or cancellation removes what the run made, never the source.
 */
export async function ProtectDatabase(
  request: ProtectionRequest | ClusterProtectionRequest,
): Promise<ProtectionReport | ClusterProtectionReport> {
  // Aurora: a request naming clusters (before this patch refused as bad input, changing nothing).
  if (namesCluster(request) && patched('aurora-protect-cluster')) {
    const cluster = validateClusterProtectionRequest(request);
    if (!cluster.ok) throw invalidInput(FailureTypes.InvalidProtectionRequest, cluster.error);
    const progress: ProtectionProgress = { step: 'check', completed: [], created: [] };
    setHandler(protectionProgressQuery, () => progress);
    return protectCluster(cluster.value, progress);
  }
  const checked = validateProtectionRequest(request);
  if (!checked.ok) throw invalidInput(FailureTypes.InvalidProtectionRequest, checked.error);
  const req = checked.value;
  const protectionId = workflowInfo().workflowId;
  const { region, dbInstanceIdentifier: id } = req.replica;
  const progress: ProtectionProgress = { step: 'check', completed: [], created: [] };
  setHandler(protectionProgressQuery, () => progress);
  const at = stepper(
    progress,
    `Protect ${req.source.dbInstanceIdentifier} (${req.source.region}) → ${id} (${region})`,
    setCurrentDetails,
  );
  at('check');

  const { plan, inventory } = await checkProtection(req, protectionId);
  const held = ownRefs(inventory);
  held.forEach((ref) => hold(progress, ref));
  const tags = protectionTags(protectionId, req.tags);
  const maxLagSeconds = req.maxLagSeconds ?? DEFAULT_MAX_LAG_SECONDS;
  const lagTimeout = req.lagTimeout ?? DEFAULT_LAG_TIMEOUT;
  try {
    const { group } = await ensurePlacement(progress, at, plan, { region, protectionId, tags });
    at('replica');
    const made = await changes.ensureReadReplica.executeWithOptions(
      { summary: `Read replica ${id} in ${region} of ${plan.sourceArn}` },
      [
        {
          region,
          dbInstanceIdentifier: id,
          protectionId,
          sourceArn: plan.sourceArn,
          dbInstanceClass: plan.dbInstanceClass,
          ...(plan.kmsKeyId ? { kmsKeyId: plan.kmsKeyId } : {}),
          dbSubnetGroupName: plan.subnetGroupName,
          vpcSecurityGroupIds: [group.ref.id],
          tags,
        },
      ],
    );
    hold(progress, made.ref);
    const gate = { maxLagSeconds, lagTimeout, lagTimeoutMs: durationMs(lagTimeout)! };
    const { replication, lag } = await waitUntilProtecting(req.replica, gate, progress, at);
    const replica = await reads.readDatabase.executeWithOptions({ summary: `Read ${id} for the report` }, [
      req.replica,
    ]);
    at('done');
    return {
      source: { ...req.source, arn: plan.sourceArn, engine: plan.engine, port: plan.port },
      replica: {
        region,
        dbInstanceIdentifier: id,
        arn: replica?.arn ?? made.arn,
        endpoint: replica?.endpoint ?? '',
        vpcId: plan.vpcId,
        dbSubnetGroupName: plan.subnetGroupName,
        securityGroupId: group.ref.id,
        securityGroupIds: replica?.securityGroupIds ?? [group.ref.id],
      },
      replicationStatus: replication.replicationStatus ?? replication.status,
      lagSeconds: lag.lagSeconds ?? null,
      ...(lag.measuredAt ? { lagMeasuredAt: lag.measuredAt } : {}),
      created: progress.created,
    };
  } catch (err) {
    throw await protectionFailure(err, {
      protectionId,
      progress,
      replica: req.replica,
      network: true,
      vpcId: plan.vpcId,
      held,
      never: [req.source],
    });
  }
}
