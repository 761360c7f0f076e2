import { GetMetricStatisticsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { DbInstanceRef, ReadReplicationInput, ReplicationState } from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import type { AwsClients } from '../aws/clients';
import { isNoAnswer, retryable } from '../aws/errors';
import { describeInstance, replicationStatusOf } from './rds';

/** How far back the newest ReplicaLag is looked for (the failover's RPO reads the same window). */
export const LAG_WINDOW_MINUTES = 15;

export interface LagReading {
  lagSeconds: number | null;
  measuredAt?: string;
}

/**
 * The newest `ReplicaLag` datapoint of the last 15 minutes: the `Maximum` of its minute, in the
 * replica's region (RDS publishes it there, in `AWS/RDS` by `DBInstanceIdentifier`, in seconds).
 */
export async function readReplicaLag(cw: CloudWatchClient, ref: DbInstanceRef, now = new Date()): Promise<LagReading> {
  const out = await cw.send(
    new GetMetricStatisticsCommand({
      Namespace: 'AWS/RDS',
      MetricName: 'ReplicaLag',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: ref.dbInstanceIdentifier }],
      StartTime: new Date(now.getTime() - LAG_WINDOW_MINUTES * 60_000),
      // A datapoint put moments ago may carry a timestamp a little ahead of this clock.
      EndTime: new Date(now.getTime() + 60_000),
      Period: 60,
      Statistics: ['Maximum'],
    }),
  );
  const newest = (out.Datapoints ?? [])
    .filter((d) => d.Timestamp && d.Maximum !== undefined)
    .sort((a, b) => b.Timestamp!.getTime() - a.Timestamp!.getTime())[0];
  return newest ? { lagSeconds: newest.Maximum!, measuredAt: newest.Timestamp!.toISOString() } : { lagSeconds: null };
}

/** The replication status and the newest lag, from the replica's region only. */
export async function readReplicationState(
  rds: RDSClient,
  cw: CloudWatchClient,
  ref: DbInstanceRef,
): Promise<ReplicationState> {
  const db = await describeInstance(rds, ref.dbInstanceIdentifier);
  if (!db) return { status: 'not-found', lagSeconds: null };
  const source = db.ReadReplicaSourceDBInstanceIdentifier;
  const status = replicationStatusOf(db) ?? (source ? 'unknown' : 'not-a-replica');
  const lag = source ? await readReplicaLag(cw, ref) : { lagSeconds: null };
  return {
    status,
    ...lag,
    ...(db.DBInstanceStatus ? { instanceStatus: db.DBInstanceStatus } : {}),
    ...(source ? { source } : {}),
  };
}

export function createReplicationActivities(clients: AwsClients) {
  /**
   * The replica's `read replication` status and its newest ReplicaLag, read in the replica's own
   * region, which answers when the source's region does not. With `bounded`, each call is one
   * attempt with the probe's timeout, and a region that does not answer is `Unreachable`.
   */
  async function readReplication(input: ReadReplicationInput): Promise<ReplicationState> {
    const family = input.bounded ? clients.probe : clients;
    const started = Date.now();
    try {
      return await readReplicationState(family.rds(input.region), family.cloudWatch(input.region), input);
    } catch (err) {
      if (!input.bounded || !isNoAnswer(err)) throw err;
      throw retryable(
        FailureTypes.Unreachable,
        `${input.region} did not answer for ${input.dbInstanceIdentifier}'s replication within ${Date.now() - started} ms: ${(err as Error).message}`,
      );
    }
  }

  return { readReplication };
}
