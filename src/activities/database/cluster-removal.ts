import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteGlobalClusterCommand,
  RemoveFromGlobalClusterCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { WaiterState } from '@smithy/util-waiter';
import { PROTECTION_ID_TAG, type RemoveInput, type RemoveOutcome } from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import type { AwsClients } from '../aws/clients';
import { AwsErrors, isNamed, nonRetryable, retryable } from '../aws/errors';
import { pollWithHeartbeat } from '../aws/waiting';
import { ClusterErrors, clusterTags, describeCluster, describeGlobal } from './cluster-reads';
import { describeInstance, instanceTags } from './rds';

const DELETE_MAX_WAIT_SECONDS = 3600;

async function until(rds: RDSClient, what: string, gone: () => Promise<boolean>): Promise<void> {
  const { state } = await pollWithHeartbeat(
    { client: rds, minDelay: 1, maxDelay: 30, maxWaitTime: DELETE_MAX_WAIT_SECONDS },
    async () => ({ state: (await gone()) ? WaiterState.SUCCESS : WaiterState.RETRY, seen: { what } }),
  );
  if (state !== WaiterState.SUCCESS) throw retryable('DeleteTimedOut', `${what} is still there`);
}

export function createClusterRemoval(clients: AwsClients) {
  /**
   * An Aurora secondary this protection made: detached from its global cluster, its instances
   * deleted (each only with this protection's tag), then the cluster itself. The global cluster's
   * writer holds the data: refused with `ProtectionInUse`, changing nothing. Safe to retry.
   */
  async function removeCluster(input: RemoveInput): Promise<RemoveOutcome> {
    const { ref } = input;
    const rds = clients.rds(ref.region);
    const c = await describeCluster(rds, ref.id);
    if (!c) return { outcome: 'already-gone' };
    const owner = (await clusterTags(rds, c))[PROTECTION_ID_TAG];
    if (owner !== input.protectionId)
      return {
        outcome: 'kept',
        reason: `db-cluster ${ref.id} carries ${owner ? `protection ${owner}'s tag` : 'no protection tag'}`,
      };
    if (c.GlobalClusterIdentifier && c.Status !== 'deleting') {
      const g = await describeGlobal(rds, c.GlobalClusterIdentifier);
      const member = g?.members.find((m) => m.arn === c.DBClusterArn);
      if (member?.writer)
        throw nonRetryable(
          FailureTypes.ProtectionInUse,
          `${ref.id} in ${ref.region} is the writer of global cluster ${c.GlobalClusterIdentifier}: it holds the data now, and is not deleted`,
        );
      if (member)
        try {
          await rds.send(
            new RemoveFromGlobalClusterCommand({
              GlobalClusterIdentifier: c.GlobalClusterIdentifier,
              DbClusterIdentifier: c.DBClusterArn,
            }),
          );
        } catch (err) {
          if (!isNamed(err, ClusterErrors.ClusterNotFound) && !isNamed(err, ClusterErrors.GlobalNotFound)) throw err;
        }
    }
    for (const m of c.DBClusterMembers ?? []) {
      const id = m.DBInstanceIdentifier ?? '';
      const db = await describeInstance(rds, id);
      if (!db) continue;
      const mine = (await instanceTags(rds, db))[PROTECTION_ID_TAG] === input.protectionId;
      if (!mine)
        return { outcome: 'kept', reason: `db-cluster ${ref.id} holds ${id}, which this protection did not make` };
      if (db.DBInstanceStatus === 'deleting') continue;
      try {
        await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true }));
      } catch (err) {
        if (!isNamed(err, AwsErrors.DBInstanceNotFound) && !isNamed(err, AwsErrors.InvalidDBInstanceState)) throw err;
      }
    }
    const instances = (c.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier ?? '');
    await until(rds, `the instances of ${ref.id}`, async () => {
      for (const id of instances) if (await describeInstance(rds, id)) return false;
      return true;
    });
    if (c.Status !== 'deleting')
      try {
        await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: ref.id, SkipFinalSnapshot: true }));
      } catch (err) {
        if (isNamed(err, ClusterErrors.ClusterNotFound)) return { outcome: 'deleted' };
        // Still shown as a member for a moment after the removal: try again.
        if (isNamed(err, ClusterErrors.ClusterState) || isNamed(err, ClusterErrors.GlobalState))
          throw retryable(ClusterErrors.ClusterState, (err as Error).message);
        throw err;
      }
    await until(rds, ref.id, async () => !(await describeCluster(rds, ref.id)));
    return { outcome: 'deleted' };
  }

  /**
   * A global cluster this protection made from the source: once only the source is left in it,
   * the source is detached (it stays as it was before, a standalone writer) and the global cluster
   * deleted. One with secondaries still in it is kept.
   */
  async function removeGlobalCluster(input: RemoveInput): Promise<RemoveOutcome> {
    const { ref } = input;
    const rds = clients.rds(ref.region);
    const g = await describeGlobal(rds, ref.id);
    if (!g) return { outcome: 'already-gone' };
    const others = g.members.filter((m) => !m.writer);
    if (others.length)
      return { outcome: 'kept', reason: `global cluster ${ref.id} still has ${others.map((m) => m.arn).join(', ')}` };
    for (const m of g.members)
      try {
        await rds.send(
          new RemoveFromGlobalClusterCommand({ GlobalClusterIdentifier: ref.id, DbClusterIdentifier: m.arn }),
        );
      } catch (err) {
        if (!isNamed(err, ClusterErrors.ClusterNotFound)) throw err;
      }
    try {
      await rds.send(new DeleteGlobalClusterCommand({ GlobalClusterIdentifier: ref.id }));
    } catch (err) {
      if (isNamed(err, ClusterErrors.GlobalNotFound)) return { outcome: 'already-gone' };
      if (isNamed(err, ClusterErrors.GlobalState)) throw retryable(ClusterErrors.GlobalState, (err as Error).message);
      throw err;
    }
    return { outcome: 'deleted' };
  }

  return { removeCluster, removeGlobalCluster };
}
