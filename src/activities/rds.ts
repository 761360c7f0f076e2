import {
  DescribeDBInstancesCommand,
  PromoteReadReplicaCommand,
  waitUntilDBInstanceAvailable,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { ReplicaState } from '../domain/failover-reads';
import type { ReplicaRef } from '../domain/failover-types';
import type { AwsClients } from './aws-clients';
import { AwsErrors, FailureTypes, isNamed, nonRetryable } from './errors';
import { waitWithHeartbeat } from './waiting';

export interface PromotionResult {
  /** `already-promoted`: it was a standalone, available instance before this call. */
  action: 'promoted' | 'already-promoted';
  status: string;
  /** What RDS still reports as the source after the wait; AWS clears it, moto keeps it. */
  replicaSourceAfter?: string;
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

export function createRdsActivities(clients: AwsClients) {
  async function describeReplica(ref: ReplicaRef): Promise<ReplicaState> {
    return toState(ref, await describe(clients.rds(ref.region), ref.dbInstanceIdentifier));
  }

  /**
   * Promotes the replica to a standalone instance and waits until it is available. Safe to run
   * again: a standalone, available instance is already done, and a promotion that an earlier
   * attempt started (InvalidDBInstanceState) is waited for rather than requested twice.
   */
  async function promoteReplica(ref: ReplicaRef): Promise<PromotionResult> {
    const rds = clients.rds(ref.region);
    const id = ref.dbInstanceIdentifier;
    const waitAvailable = () =>
      waitWithHeartbeat({ dbInstanceIdentifier: id }, (abortSignal) =>
        waitUntilDBInstanceAvailable(
          {
            client: rds,
            minDelay: 5,
            maxDelay: 30,
            maxWaitTime: PROMOTION_MAX_WAIT_SECONDS,
            ...(abortSignal ? { abortSignal } : {}),
          },
          { DBInstanceIdentifier: id },
        ),
      );
    const mustDescribe = async () => {
      const db = await describe(rds, id);
      if (!db) throw nonRetryable(FailureTypes.ReplicaNotFound, `${id} does not exist in ${ref.region}`);
      return db;
    };

    let db = await mustDescribe();
    if (db.DBInstanceStatus !== 'available') {
      // Backing up, or a promotion an earlier attempt requested: let it finish first.
      await waitAvailable();
      db = await mustDescribe();
    }
    if (!db.ReadReplicaSourceDBInstanceIdentifier)
      return { action: 'already-promoted', status: db.DBInstanceStatus ?? 'unknown' };
    try {
      await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: id }));
    } catch (err) {
      if (!isNamed(err, AwsErrors.InvalidDBInstanceState)) throw err;
    }
    await waitAvailable();
    db = await mustDescribe();
    return {
      action: 'promoted',
      status: db.DBInstanceStatus ?? 'unknown',
      ...(db.ReadReplicaSourceDBInstanceIdentifier
        ? { replicaSourceAfter: db.ReadReplicaSourceDBInstanceIdentifier }
        : {}),
    };
  }

  return { describeReplica, promoteReplica };
}
