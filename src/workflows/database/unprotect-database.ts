import { ApplicationFailure, patched, setCurrentDetails } from '@temporalio/workflow';
import { namesCluster, type ClusterProtectionRequest } from '../../domain/database/cluster-types';
import type { ResourceRef } from '../../domain/aws/resource-ref';
import { subnetGroupName } from '../../domain/database/names';
import {
  DatabaseWorkflows,
  type FoundResource,
  type ProtectionRecord,
  type UnprotectRequest,
  type UnprotectResult,
} from '../../domain/database/types';
import { validateUnprotectRequest } from '../../domain/database/validate';
import { FailureTypes } from '../../domain/failure-types';
import { invalidInput } from '../failures';
import { reads, removalOrder, removeInOrder } from './calls';
import { unprotectCluster } from './unprotect-cluster';

const refuse = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

/** The replica a protection made, and whether it also made a subnet group and group (a re-protection makes neither). */
function replicaOf(record: ProtectionRecord) {
  if (record.workflowType === DatabaseWorkflows.ProtectDatabase) return { ref: record.request.replica, network: true };
  return { ref: record.request.oldPrimary, network: false };
}

/**
 * Deletes what a protection made, and nothing else: its replica (once that is gone, its subnet
 * group and group), each only while it carries that protection's tag. A promoted replica holds the
 * data now: the run refuses with `ProtectionInUse` and changes nothing. A second run deletes nothing.
 */
export async function UnprotectDatabase(request: UnprotectRequest): Promise<UnprotectResult> {
  const checked = validateUnprotectRequest(request);
  if (!checked.ok) throw invalidInput(FailureTypes.InvalidProtectionRequest, checked.error);
  const protectionId = checked.value.protectWorkflowId;
  setCurrentDetails(`**Unprotect ${protectionId}:** reading what it made`);

  const record = await reads.readProtectionRecord.executeWithOptions(
    { summary: `Read protection ${protectionId}'s request` },
    [protectionId],
  );
  if (record.running)
    throw refuse(
      FailureTypes.ProtectionStillRunning,
      `protection ${protectionId} is still running (run ${record.runId ?? '?'}); an unprotect now would race it. Wait until it ends, or cancel it (it then rolls back by itself).`,
    );
  if (namesCluster(record.request) && patched('aurora-unprotect-cluster'))
    return unprotectCluster(record.request as unknown as ClusterProtectionRequest, protectionId);
  const { ref: replica, network } = replicaOf(record);
  const inventory = await reads.findProtectionResources.executeWithOptions(
    { summary: `Find ${replica.dbInstanceIdentifier} and what protection ${protectionId} made beside it` },
    [{ ...replica, protectionId, network }],
  );
  const found = inventory.replica;
  if (found?.ours && found.promoted)
    throw refuse(
      FailureTypes.ProtectionInUse,
      `${found.ref.id} in ${found.ref.region} has been promoted (${found.source ? 'tagged vpc-peering:promoted-by' : 'it replicates from nothing'}): it holds the data now, so neither it nor its subnet group and group are deleted`,
    );

  const remove: ResourceRef[] = [];
  const alreadyGone: ResourceRef[] = [];
  const kept: NonNullable<UnprotectResult['kept']> = [];
  const consider = (f: FoundResource | undefined, ifGone?: ResourceRef) => {
    if (!f) alreadyGone.push(...(ifGone ? [ifGone] : []));
    else if (f.ours) remove.push(f.ref);
    else kept.push({ ref: f.ref, reason: `carries ${f.owner ? `protection ${f.owner}'s tag` : 'no protection tag'}` });
  };
  consider(found, { type: 'db-instance', region: replica.region, id: replica.dbInstanceIdentifier });
  if (network) {
    const group = subnetGroupName(replica.dbInstanceIdentifier);
    consider(inventory.subnetGroup, { type: 'db-subnet-group', region: replica.region, id: group });
    consider(inventory.securityGroup);
  }
  setCurrentDetails(`**Unprotect ${protectionId}:** deleting ${remove.map((r) => r.id).join(', ') || 'nothing'}`);
  const removal = await removeInOrder(removalOrder(remove), protectionId);
  kept.push(...removal.kept);
  alreadyGone.push(...removal.alreadyGone);
  setCurrentDetails(
    `**Unprotect ${protectionId}:** deleted ${removal.deleted.length}, ${alreadyGone.length} already gone${kept.length ? `, ${kept.length} left alone` : ''}`,
  );
  return { deleted: removal.deleted, alreadyGone, ...(kept.length ? { kept } : {}) };
}
