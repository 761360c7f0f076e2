import {
  AddTagsToResourceCommand,
  DescribeDBInstancesCommand,
  ListTagsForResourceCommand,
  PromoteReadReplicaCommand,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { WaiterState } from '@smithy/util-waiter';
import { UNPROMOTABLE } from '../../domain/failover/preflight';
import type { ReplicaState } from '../../domain/failover/reads';
import type { ReplicaRef } from '../../domain/failover/types';
import { PROMOTED_BY_TAG, PROMOTED_FROM_TAG } from '../../domain/database/types';
import type { AwsClients } from '../aws/clients';
import { AwsErrors, isNamed, nonRetryable, retryable } from '../aws/errors';
import { STEP_WAIT, pollWithHeartbeat } from '../aws/waiting';
import { FailureTypes } from '../../domain/failure-types';

/** What to promote, and (since the data side) the marks the promotion leaves on it. */
export interface PromoteInput extends ReplicaRef {
  /** Tagged `vpc-peering:promoted-by` before the promotion is asked for: the workflow id. */
  promotedBy?: string;
  /** Tagged `vpc-peering:promoted-from`: the region traffic leaves. */
  promotedFrom?: string;
}

export interface PromotionResult {
  /** `already-promoted`: it was a standalone, available instance when this call found it. */
  action: 'promoted' | 'already-promoted';
  status: string;
  /** The source it replicated from when this call found it, if it still had one. */
  sourceBefore?: string;
}

/** Promotion takes minutes on AWS (a backup runs first); half an hour means it is stuck. */
const PROMOTION_MAX_WAIT_SECONDS = 1800;

async function describe(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  try {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return out.DBInstances?.find((db) => db.DBInstanceIdentifier?.toLowerCase() === id.toLowerCase());
  } catch (err) {
    if (isNamed(err, AwsErrors.DBInstanceNotFound)) return undefined;
    throw err;
  }
}

function toState(ref: ReplicaRef, db: DBInstance | undefined): ReplicaState {
  if (!db) return { exists: false, region: ref.region, dbInstanceIdentifier: ref.dbInstanceIdentifier };
  return {
    exists: true,
    region: ref.region,
    dbInstanceIdentifier: ref.dbInstanceIdentifier,
    ...(db.DBInstanceStatus ? { status: db.DBInstanceStatus } : {}),
    ...(db.ReadReplicaSourceDBInstanceIdentifier ? { replicaSource: db.ReadReplicaSourceDBInstanceIdentifier } : {}),
    ...(db.DBInstanceArn ? { arn: db.DBInstanceArn } : {}),
  };
}

/** Writable: available, and no longer replicating from anything. Only then may traffic move to it. */
const isStandalone = (db: DBInstance) =>
  db.DBInstanceStatus === 'available' && !db.ReadReplicaSourceDBInstanceIdentifier;

export function createRdsActivities(clients: AwsClients) {
  /**
   * The instance, and when it no longer replicates, its promotion marks: a re-run of the failover
   * that promoted it resumes; any other standalone instance is refused. Tags are read with
   * ListTagsForResource, which every RDS answers (moto leaves TagList out of DescribeDBInstances).
   */
  async function describeReplica(ref: ReplicaRef): Promise<ReplicaState> {
    const rds = clients.rds(ref.region);
    const db = await describe(rds, ref.dbInstanceIdentifier);
    const state = toState(ref, db);
    if (!db?.DBInstanceArn || db.ReadReplicaSourceDBInstanceIdentifier) return state;
    const tags = (await rds.send(new ListTagsForResourceCommand({ ResourceName: db.DBInstanceArn }))).TagList ?? [];
    const value = (key: string) => tags.find((t) => t.Key === key)?.Value;
    const [by, from] = [value(PROMOTED_BY_TAG), value(PROMOTED_FROM_TAG)];
    return { ...state, ...(by ? { promotedBy: by } : {}), ...(from ? { promotedFrom: from } : {}) };
  }

  /**
   * Promotes the replica to a standalone instance and waits until RDS shows it available with no
   * replication source: before that it is still read-only, and DNS must not move to it. Only the
   * replica's own region is called, so a source region that is down does not matter. Safe to run
   * again: a standalone instance is already done, and a promotion that an earlier attempt started
   * (InvalidDBInstanceState) is waited for rather than requested twice.
   */
  async function promoteReplica(ref: PromoteInput): Promise<PromotionResult> {
    const rds = clients.rds(ref.region);
    const id = ref.dbInstanceIdentifier;
    const mustDescribe = async () => {
      const db = await describe(rds, id);
      if (!db) throw nonRetryable(FailureTypes.ReplicaNotFound, `${id} does not exist in ${ref.region}`);
      return db;
    };
    /** Until `done`: the instance may pass through modifying, backing-up and rebooting on the way. */
    const waitUntil = async (done: (db: DBInstance) => boolean, goal: string): Promise<DBInstance> => {
      // The read that said done is the answer: reading once more cost the promotion a round trip.
      let last: DBInstance | undefined;
      const { state, seen } = await pollWithHeartbeat(
        { client: rds, ...STEP_WAIT, maxWaitTime: PROMOTION_MAX_WAIT_SECONDS },
        async () => {
          const db = (last = await mustDescribe());
          const seen = {
            dbInstanceIdentifier: id,
            status: db.DBInstanceStatus ?? 'unknown',
            source: db.ReadReplicaSourceDBInstanceIdentifier ?? null,
            goal,
          };
          if (done(db)) return { state: WaiterState.SUCCESS, seen };
          if (UNPROMOTABLE.includes(seen.status)) return { state: WaiterState.FAILURE, seen };
          return { state: WaiterState.RETRY, seen };
        },
      );
      const now = `${seen?.status ?? 'unknown'}${seen?.source ? `, still replicating from ${seen.source}` : ''}`;
      if (state === WaiterState.FAILURE)
        throw nonRetryable(FailureTypes.PromotionFailed, `${id} in ${ref.region} is ${now}; it cannot become ${goal}`);
      if (state !== WaiterState.SUCCESS)
        throw retryable(
          'PromotionTimeout',
          `${id} in ${ref.region} is not ${goal} after ${PROMOTION_MAX_WAIT_SECONDS} s (now ${now})`,
        );
      return last!;
    };

    let db = await mustDescribe();
    const sourceBefore = db.ReadReplicaSourceDBInstanceIdentifier;
    const found = sourceBefore ? { sourceBefore } : {};
    // Backing up, or a promotion an earlier attempt requested: let it settle first.
    if (db.DBInstanceStatus !== 'available')
      db = await waitUntil((d) => d.DBInstanceStatus === 'available', 'available');
    if (isStandalone(db)) return { action: 'already-promoted', status: db.DBInstanceStatus ?? 'unknown', ...found };
    // Marked before it is asked for: if the answer to PromoteReadReplica is lost and this call is
    // retried (or the run is started again), the instance no longer replicates and only these tags
    // say the project promoted it, away from which region. Tagging twice is harmless.
    if (ref.promotedBy && ref.promotedFrom && db.DBInstanceArn) {
      await rds.send(
        new AddTagsToResourceCommand({
          ResourceName: db.DBInstanceArn,
          Tags: [
            { Key: PROMOTED_BY_TAG, Value: ref.promotedBy },
            { Key: PROMOTED_FROM_TAG, Value: ref.promotedFrom },
          ],
        }),
      );
    }
    try {
      await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: id }));
    } catch (err) {
      if (!isNamed(err, AwsErrors.InvalidDBInstanceState)) throw err;
    }
    db = await waitUntil(isStandalone, 'available with no replication source');
    return { action: 'promoted', status: db.DBInstanceStatus ?? 'unknown', ...found };
  }

  return { describeReplica, promoteReplica };
}
