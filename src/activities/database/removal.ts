import { DeleteSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { DeleteDBInstanceCommand, DeleteDBSubnetGroupCommand, type RDSClient } from '@aws-sdk/client-rds';
import { WaiterState } from '@smithy/util-waiter';
import type { ResourceRef } from '../../domain/aws/resource-ref';
import { PROTECTION_ID_TAG, type RemoveInput, type RemoveOutcome } from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import type { AwsClients } from '../aws/clients';
import { AwsErrors, isNamed, isNotFound, nonRetryable, retryable } from '../aws/errors';
import { pollWithHeartbeat } from '../aws/waiting';
import { createClusterRemoval } from './cluster-removal';
import { DB_SUBNET_GROUP_NOT_FOUND, describeSubnetGroup, subnetGroupTags } from './inventory';
import { describeInstance, instanceTags, tagsOf } from './rds';

/** Deleting a replica takes minutes on AWS; an hour means it is stuck. */
const DELETE_MAX_WAIT_SECONDS = 3600;

const notOurs = (ref: ResourceRef, owner: string | undefined): RemoveOutcome => ({
  outcome: 'kept',
  reason: `${ref.type} ${ref.id} carries ${owner ? `protection ${owner}'s tag` : 'no protection tag'}`,
});

async function untilGone(rds: RDSClient, ref: ResourceRef): Promise<void> {
  const { state, seen } = await pollWithHeartbeat(
    { client: rds, minDelay: 1, maxDelay: 30, maxWaitTime: DELETE_MAX_WAIT_SECONDS },
    async () => {
      const db = await describeInstance(rds, ref.id);
      const status = db?.DBInstanceStatus ?? 'gone';
      return { state: db ? WaiterState.RETRY : WaiterState.SUCCESS, seen: { dbInstanceIdentifier: ref.id, status } };
    },
  );
  if (state !== WaiterState.SUCCESS)
    throw retryable('DeleteTimedOut', `${ref.id} in ${ref.region} is still ${seen?.status ?? 'there'}`);
}

export function createProtectionRemoval(clients: AwsClients) {
  const clusters = createClusterRemoval(clients);
  async function removeInstance(input: RemoveInput): Promise<RemoveOutcome> {
    const { ref } = input;
    const rds = clients.rds(ref.region);
    const db = await describeInstance(rds, ref.id);
    if (!db) return { outcome: 'already-gone' };
    const owner = (await instanceTags(rds, db))[PROTECTION_ID_TAG];
    if (owner !== input.protectionId) return notOurs(ref, owner);
    if (!db.ReadReplicaSourceDBInstanceIdentifier && !input.standaloneToo && db.DBInstanceStatus !== 'deleting')
      throw nonRetryable(
        FailureTypes.ProtectionInUse,
        `${ref.id} in ${ref.region} is no longer a read replica: it holds data of its own, and is not deleted`,
      );
    if (db.DBInstanceStatus !== 'deleting') {
      try {
        await rds.send(
          new DeleteDBInstanceCommand({
            DBInstanceIdentifier: ref.id,
            SkipFinalSnapshot: true,
            DeleteAutomatedBackups: true,
          }),
        );
      } catch (err) {
        if (isNamed(err, AwsErrors.DBInstanceNotFound)) return { outcome: 'already-gone' };
        // A delete an earlier attempt started (its answer lost): wait for it below.
        if (!isNamed(err, AwsErrors.InvalidDBInstanceState)) throw err;
      }
    }
    // Its subnet group and group are in use until it is gone.
    await untilGone(rds, ref);
    return { outcome: 'deleted' };
  }

  async function removeSubnetGroup(input: RemoveInput): Promise<RemoveOutcome> {
    const { ref } = input;
    const rds = clients.rds(ref.region);
    const group = await describeSubnetGroup(rds, ref.id);
    if (!group) return { outcome: 'already-gone' };
    const owner = (await subnetGroupTags(rds, group))[PROTECTION_ID_TAG];
    if (owner !== input.protectionId) return notOurs(ref, owner);
    try {
      await rds.send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: ref.id }));
    } catch (err) {
      if (isNamed(err, DB_SUBNET_GROUP_NOT_FOUND)) return { outcome: 'already-gone' };
      // Still in use by an instance RDS is finishing deleting: try again.
      if (isNamed(err, 'InvalidDBSubnetGroupStateFault'))
        throw retryable('InvalidDBSubnetGroupStateFault', (err as Error).message);
      throw err;
    }
    return { outcome: 'deleted' };
  }

  async function removeSecurityGroup(input: RemoveInput): Promise<RemoveOutcome> {
    const { ref } = input;
    const ec2 = clients.ec2(ref.region);
    let group;
    try {
      group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [ref.id] }))).SecurityGroups?.[0];
    } catch (err) {
      if (isNotFound(err)) return { outcome: 'already-gone' };
      throw err;
    }
    if (!group) return { outcome: 'already-gone' };
    const owner = tagsOf(group.Tags)[PROTECTION_ID_TAG];
    if (owner !== input.protectionId) return notOurs(ref, owner);
    try {
      // DependencyViolation while the replica's network interfaces go: retried.
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: ref.id }));
    } catch (err) {
      if (isNotFound(err)) return { outcome: 'already-gone' };
      throw err;
    }
    return { outcome: 'deleted' };
  }

  /**
   * Deletes one thing a protection made, only when it carries that protection's tag, and waits
   * until a replica is gone (its subnet group and group are in use until then). Safe to retry: a
   * delete whose answer was lost is found under way, or done.
   */
  async function removeProtectionResource(input: RemoveInput): Promise<RemoveOutcome> {
    switch (input.ref.type) {
      case 'db-instance':
        return removeInstance(input);
      case 'db-subnet-group':
        return removeSubnetGroup(input);
      case 'security-group':
        return removeSecurityGroup(input);
      case 'db-cluster':
        return clusters.removeCluster(input);
      case 'global-cluster':
        return clusters.removeGlobalCluster(input);
      default:
        throw nonRetryable('NotAProtectionResource', `${input.ref.type} ${input.ref.id} is not made by a protection`);
    }
  }

  return { removeProtectionResource };
}
