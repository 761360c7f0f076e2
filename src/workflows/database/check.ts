import { ApplicationFailure } from '@temporalio/workflow';
import type { ResourceRef } from '../../domain/aws/resource-ref';
import { planProtection, protectionConflict, setupNetwork, type ProtectionPlan } from '../../domain/database/checks';
import type { ClusterProtectionRequest } from '../../domain/database/cluster-types';
import type { ProtectionInventory, ProtectionRequest } from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import type { SetupRecord } from '../../domain/peering/types';
import { explain, failureType, invalidInput } from '../failures';
import { reads } from './calls';

export interface CheckedProtection {
  plan: ProtectionPlan;
  /** What already stood under the protection's names: a re-run's earlier work, never rolled back by this run. */
  inventory: ProtectionInventory;
}

const invalid = (field: string, reason: string) =>
  invalidInput(FailureTypes.InvalidProtectionRequest, { field, reason });

/** The network the request names: the setup's (read back from its history) or the one given. */
export async function whereTo(
  req: Pick<ProtectionRequest, 'replica'> | Pick<ClusterProtectionRequest, 'replica'>,
): Promise<{ vpcId: string; subnetIds: string[]; peerCidrs: string[] }> {
  const { network, region } = req.replica;
  if (!('setupWorkflowId' in network)) return { vpcId: network.vpcId, subnetIds: network.subnetIds, peerCidrs: [] };
  let record: SetupRecord;
  try {
    record = await reads.readSetupRecord.executeWithOptions(
      { summary: `Read setup ${network.setupWorkflowId}'s network` },
      [network.setupWorkflowId],
    );
  } catch (err) {
    if (failureType(err) === FailureTypes.SetupNotFound) throw invalid('replica.network.setupWorkflowId', explain(err));
    throw err;
  }
  const decided = setupNetwork(record, region);
  if (!decided.ok) throw invalidInput(FailureTypes.InvalidProtectionRequest, decided.error);
  return decided.value;
}

/**
 * Everything a protection checks before it changes anything: the source, the network, and the
 * names it will use. Bad input is `InvalidProtectionRequest`; a name taken by something this
 * protection did not make is `ProtectionConflict`. Both name what they found.
 */
export async function checkProtection(req: ProtectionRequest, protectionId: string): Promise<CheckedProtection> {
  const where = await whereTo(req);
  const { region, dbInstanceIdentifier } = req.replica;
  const [source, network, inventory] = await Promise.all([
    reads.readDatabase.executeWithOptions({ summary: `Read the source ${req.source.dbInstanceIdentifier}` }, [
      req.source,
    ]),
    reads.readReplicaNetwork.executeWithOptions({ summary: `Read ${where.vpcId} and its subnets in ${region}` }, [
      { region, vpcId: where.vpcId, subnetIds: where.subnetIds },
    ]),
    reads.findProtectionResources.executeWithOptions({ summary: `Look for ${dbInstanceIdentifier} and its groups` }, [
      { region, dbInstanceIdentifier, protectionId, network: true, vpcId: where.vpcId },
    ]),
  ]);
  const plan = planProtection(req, source, network, where);
  if (!plan.ok) throw invalidInput(FailureTypes.InvalidProtectionRequest, plan.error);
  const conflict = protectionConflict(inventory);
  if (conflict)
    throw ApplicationFailure.create({ type: FailureTypes.ProtectionConflict, message: conflict, nonRetryable: true });
  if (inventory.replica?.promoted)
    throw ApplicationFailure.create({
      type: FailureTypes.ProtectionInUse,
      message: `${dbInstanceIdentifier} in ${region}, which this protection made, has been promoted: it holds the data now. Re-protect it (ReprotectDatabase) instead.`,
      nonRetryable: true,
    });
  return { plan: plan.value, inventory };
}

/** The refs an inventory found that carry this protection's tag, in the order a protection makes them. */
export function ownRefs(inventory: ProtectionInventory): ResourceRef[] {
  return [inventory.subnetGroup, inventory.securityGroup, inventory.replica].flatMap((f) => (f?.ours ? [f.ref] : []));
}
