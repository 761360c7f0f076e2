import { ApplicationFailure } from '@temporalio/workflow';
import type { ResourceRef } from '../../domain/aws/resource-ref';
import { globalToRead, planClusterProtection, type ClusterProtectionPlan } from '../../domain/database/cluster-checks';
import { readerInstanceId, type ClusterProtectionRequest } from '../../domain/database/cluster-types';
import { protectionConflict } from '../../domain/database/checks';
import { PROTECTION_ID_TAG, type FoundResource, type ProtectionInventory } from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import { invalidInput } from '../failures';
import { reads } from './calls';
import { whereTo } from './check';

/** What already stands under a cluster protection's names: its secondary, reader, subnet group and group. */
export interface ClusterInventory extends ProtectionInventory {
  cluster?: FoundResource;
}

const found = (ref: ResourceRef, tags: Record<string, string>, protectionId: string): FoundResource => {
  const owner = tags[PROTECTION_ID_TAG];
  return { ref, ours: owner === protectionId, ...(owner && owner !== protectionId ? { owner } : {}) };
};

/** Reads what stands under the secondary's names (read-only): the check, and the rollback's search. */
export async function findClusterProtection(
  req: ClusterProtectionRequest,
  protectionId: string,
  vpcId?: string,
): Promise<ClusterInventory> {
  const { region, dbClusterIdentifier: id } = req.replica;
  const readerId = readerInstanceId(id);
  const [groups, cluster, reader] = await Promise.all([
    reads.findProtectionResources.executeWithOptions({ summary: `Look for ${id}'s subnet group and group` }, [
      { region, dbInstanceIdentifier: id, protectionId, network: true, ...(vpcId ? { vpcId } : {}) },
    ]),
    reads.readCluster.executeWithOptions({ summary: `Look for the secondary ${id}` }, [req.replica]),
    reads.readDatabase.executeWithOptions({ summary: `Look for the reader ${readerId}` }, [
      { region, dbInstanceIdentifier: readerId },
    ]),
  ]);
  return {
    ...(groups.subnetGroup ? { subnetGroup: groups.subnetGroup } : {}),
    ...(groups.securityGroup ? { securityGroup: groups.securityGroup } : {}),
    ...(cluster ? { cluster: found({ type: 'db-cluster', region, id }, cluster.tags, protectionId) } : {}),
    ...(reader
      ? {
          replica: {
            ...found({ type: 'db-instance', region, id: readerId }, reader.tags, protectionId),
            status: reader.status,
            arn: reader.arn,
            promoted: false,
          },
        }
      : {}),
  };
}

/** The refs of an inventory that carry this protection's tag, in the order the protection makes them. */
export function ownClusterRefs(inventory: ClusterInventory): ResourceRef[] {
  return [inventory.subnetGroup, inventory.securityGroup, inventory.cluster, inventory.replica].flatMap((f) =>
    f?.ours ? [f.ref] : [],
  );
}

/**
 * Everything an Aurora protection checks before it changes anything: the source cluster, its
 * global cluster (and every member's engine version), the network, and the names it will use.
 */
export async function checkClusterProtection(
  req: ClusterProtectionRequest,
  protectionId: string,
): Promise<{ plan: ClusterProtectionPlan; inventory: ClusterInventory }> {
  const where = await whereTo(req);
  const { region } = req.replica;
  const [source, network] = await Promise.all([
    reads.readCluster.executeWithOptions({ summary: `Read the source ${req.source.dbClusterIdentifier}` }, [
      req.source,
    ]),
    reads.readReplicaNetwork.executeWithOptions({ summary: `Read ${where.vpcId} and its subnets in ${region}` }, [
      { region, vpcId: where.vpcId, subnetIds: where.subnetIds },
    ]),
  ]);
  const globalId = globalToRead(req, source);
  const global = await reads.readGlobalCluster.executeWithOptions({ summary: `Read global cluster ${globalId}` }, [
    { region: req.source.region, globalClusterIdentifier: globalId },
  ]);
  const members = await Promise.all(
    (global?.members ?? [])
      .filter((m) => m.arn !== source?.arn)
      .map((m) =>
        reads.readCluster.executeWithOptions({ summary: `Read member ${m.dbClusterIdentifier} (${m.region})` }, [
          { region: m.region, dbClusterIdentifier: m.dbClusterIdentifier },
        ]),
      ),
  );
  const plan = planClusterProtection(
    req,
    { source, global, members: members.flatMap((m) => (m ? [m] : [])) },
    network,
    where,
  );
  if (!plan.ok) throw invalidInput(FailureTypes.InvalidProtectionRequest, plan.error);
  const inventory = await findClusterProtection(req, protectionId, plan.value.vpcId);
  const cluster = inventory.cluster;
  const conflict =
    cluster && !cluster.ours
      ? `DB cluster ${cluster.ref.id} already exists in ${cluster.ref.region} and was made by ${cluster.owner ? `protection ${cluster.owner}` : 'no protection'}; this protection will not touch it`
      : protectionConflict(inventory);
  if (conflict)
    throw ApplicationFailure.create({ type: FailureTypes.ProtectionConflict, message: conflict, nonRetryable: true });
  return { plan: plan.value, inventory };
}
