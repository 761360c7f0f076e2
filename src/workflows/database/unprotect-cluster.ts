import { ApplicationFailure, setCurrentDetails } from '@temporalio/workflow';
import type { ResourceRef } from '../../domain/aws/resource-ref';
import type { ClusterProtectionRequest } from '../../domain/database/cluster-types';
import type { FoundResource, UnprotectResult } from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import { reads, removalOrder, removeInOrder } from './calls';
import { findClusterProtection } from './check-cluster';

/**
 * UnprotectDatabase for an Aurora protection: removes the secondary it made from the global
 * cluster and deletes it with its reader, then its subnet group and group. A secondary that has
 * become the global cluster's writer holds the data: refused with `ProtectionInUse`, changing nothing.
 * The global cluster and the source stay as they are.
 */
export async function unprotectCluster(req: ClusterProtectionRequest, protectionId: string): Promise<UnprotectResult> {
  const inventory = await findClusterProtection(req, protectionId);
  const { region, dbClusterIdentifier: id } = req.replica;
  if (inventory.cluster?.ours) {
    const facts = await reads.readCluster.executeWithOptions({ summary: `Read ${id}'s role` }, [req.replica]);
    const globalId = facts?.globalClusterIdentifier;
    const global = globalId
      ? await reads.readGlobalCluster.executeWithOptions({ summary: `Read global cluster ${globalId}` }, [
          { region, globalClusterIdentifier: globalId },
        ])
      : null;
    if (global?.members.some((m) => m.writer && m.arn === facts?.arn))
      throw ApplicationFailure.create({
        type: FailureTypes.ProtectionInUse,
        message: `${id} in ${region} is the writer of global cluster ${globalId}: it holds the data now, so neither it nor its subnet group and group are deleted`,
        nonRetryable: true,
      });
  }
  const remove: ResourceRef[] = [];
  const alreadyGone: ResourceRef[] = [];
  const kept: NonNullable<UnprotectResult['kept']> = [];
  const consider = (f: FoundResource | undefined, ifGone?: ResourceRef) => {
    if (!f) alreadyGone.push(...(ifGone ? [ifGone] : []));
    else if (f.ours) remove.push(f.ref);
    else kept.push({ ref: f.ref, reason: `carries ${f.owner ? `protection ${f.owner}'s tag` : 'no protection tag'}` });
  };
  consider(inventory.cluster, { type: 'db-cluster', region, id });
  consider(inventory.subnetGroup, { type: 'db-subnet-group', region, id: `${id}-subnets` });
  consider(inventory.securityGroup);
  setCurrentDetails(`**Unprotect ${protectionId}:** deleting ${remove.map((r) => r.id).join(', ') || 'nothing'}`);
  const removal = await removeInOrder(removalOrder(remove), protectionId);
  kept.push(...removal.kept);
  alreadyGone.push(...removal.alreadyGone);
  return { deleted: removal.deleted, alreadyGone, ...(kept.length ? { kept } : {}) };
}
