import { GetMetricStatisticsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { WaiterState } from '@smithy/util-waiter';
import type { RpoLagReading } from '../../domain/database/cluster-types';
import { caughtUp, type ReplicaObservation, type WaitStretch } from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import type { AwsClients } from '../aws/clients';
import { nonRetryable } from '../aws/errors';
import { pollPaced } from '../aws/paced-waits';
import { describeCluster, describeGlobal } from './cluster-reads';
import { describeInstance } from './rds';
import { LAG_WINDOW_MINUTES } from './replication';
import { changed, MAX_DELAY, MIN_DELAY, past, stretchOf } from './waits';

/**
 * The newest `AuroraGlobalDBRPOLag` of the last 15 minutes, in seconds: RDS publishes it in
 * milliseconds, in the secondary's region, in `AWS/RDS` by `DBClusterIdentifier`.
 */
export async function readRpoLag(cw: CloudWatchClient, clusterId: string, now = new Date()): Promise<RpoLagReading> {
  const out = await cw.send(
    new GetMetricStatisticsCommand({
      Namespace: 'AWS/RDS',
      MetricName: 'AuroraGlobalDBRPOLag',
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: clusterId }],
      StartTime: new Date(now.getTime() - LAG_WINDOW_MINUTES * 60_000),
      EndTime: new Date(now.getTime() + 60_000),
      Period: 60,
      Statistics: ['Maximum'],
    }),
  );
  const newest = (out.Datapoints ?? [])
    .filter((d) => d.Timestamp && d.Maximum !== undefined)
    .sort((a, b) => b.Timestamp!.getTime() - a.Timestamp!.getTime())[0];
  return newest
    ? { lagSeconds: newest.Maximum! / 1000, measuredAt: newest.Timestamp!.toISOString() }
    : { lagSeconds: null };
}

export interface SecondaryWaitInput {
  region: string;
  dbClusterIdentifier: string;
  readerInstanceIdentifier?: string;
  globalClusterIdentifier: string;
  deadline: string;
  maxLagSeconds?: number;
  timeout?: string;
  lastSeen?: ReplicaObservation;
}

const BROKEN = new Set(['failed', 'inaccessible-encryption-credentials', 'deleting', 'stopped']);

export function createClusterWaits(clients: AwsClients) {
  /**
   * Until the secondary and its reader are `available` and the global cluster lists the secondary
   * as a reader member, `connected`; one stretch, ending early when what it sees changes. Read-only.
   */
  async function waitForSecondary(input: SecondaryWaitInput): Promise<WaitStretch> {
    const rds = clients.rds(input.region);
    const id = input.dbClusterIdentifier;
    const { state, seen } = await pollPaced<ReplicaObservation>(
      { minDelay: MIN_DELAY, maxDelay: MAX_DELAY, maxWaitTime: stretchOf(input.deadline) },
      async () => {
        const c = await describeCluster(rds, id);
        if (!c) throw nonRetryable(FailureTypes.ReplicaNotFound, `${id} no longer exists in ${input.region}`);
        const reader = input.readerInstanceIdentifier
          ? ((await describeInstance(rds, input.readerInstanceIdentifier))?.DBInstanceStatus ?? 'missing')
          : 'available';
        const g = await describeGlobal(rds, input.globalClusterIdentifier);
        const member = g?.members.find((m) => m.arn === c.DBClusterArn);
        const sync = member ? (member.writer ? 'writer' : (member.synchronizationStatus ?? 'member')) : 'not-a-member';
        const status =
          c.Status === 'available' && reader !== 'available' ? `reader ${reader}` : (c.Status ?? 'unknown');
        const seen = { status, replicationStatus: sync };
        if (status === 'available' && sync === 'connected') return { state: WaiterState.SUCCESS, seen };
        if (BROKEN.has(c.Status ?? '') || BROKEN.has(reader)) return { state: WaiterState.FAILURE, seen };
        // Paced from the secondary's creation while it is being created (a new call is no new wait).
        const since = c.Status === 'creating' ? c.ClusterCreateTime?.getTime() : undefined;
        const state = changed(seen, input.lastSeen) ? WaiterState.SUCCESS : WaiterState.RETRY;
        return { state, seen, ...(since === undefined ? {} : { since }) };
      },
    );
    const now = `${seen?.status ?? 'unknown'}, ${seen?.replicationStatus ?? 'not a member'}`;
    if (state === WaiterState.FAILURE)
      throw nonRetryable(FailureTypes.ReplicationFailed, `${id} in ${input.region} is ${now}; it will not replicate`);
    const done = seen?.status === 'available' && seen.replicationStatus === 'connected';
    if (state === WaiterState.SUCCESS && (done || !past(input.deadline))) return { done, seen: seen! };
    if (past(input.deadline))
      throw nonRetryable(
        FailureTypes.WaitTimedOut,
        `${id} in ${input.region} is not a connected secondary by ${input.deadline} (now ${now})`,
      );
    return { done: false, seen: seen ?? { status: 'unknown' } };
  }

  /** Until the secondary's newest AuroraGlobalDBRPOLag is at most `maxLagSeconds`, one stretch. */
  async function waitForClusterLag(input: SecondaryWaitInput): Promise<WaitStretch> {
    const cw = clients.cloudWatch(input.region);
    const max = input.maxLagSeconds ?? 0;
    const { state, seen } = await pollPaced<ReplicaObservation>(
      { minDelay: MIN_DELAY, maxDelay: MAX_DELAY, maxWaitTime: stretchOf(input.deadline) },
      async () => {
        const seen = { status: 'available', ...(await readRpoLag(cw, input.dbClusterIdentifier)) };
        const report = caughtUp(seen.lagSeconds, max) || changed(seen, input.lastSeen);
        return { state: report ? WaiterState.SUCCESS : WaiterState.RETRY, seen };
      },
    );
    const done = caughtUp(seen?.lagSeconds ?? null, max);
    if (state === WaiterState.SUCCESS && (done || !past(input.deadline))) return { done, seen: seen! };
    if (!past(input.deadline)) return { done: false, seen: seen ?? { status: 'available', lagSeconds: null } };
    const where = `${input.dbClusterIdentifier} in ${input.region}`;
    const saw =
      seen?.lagSeconds === null || seen?.lagSeconds === undefined
        ? `no AuroraGlobalDBRPOLag datapoint for ${where} in the last 15 minutes`
        : `AuroraGlobalDBRPOLag of ${where} was ${seen.lagSeconds} s at ${seen.measuredAt ?? '?'}, above maxLagSeconds ${max}`;
    throw nonRetryable(FailureTypes.ReplicationNotCaughtUp, `${saw}, after waiting lagTimeout ${input.timeout ?? '?'}`);
  }

  /** The secondary's newest AuroraGlobalDBRPOLag, for the failover's RPO; bounded, for a region that may be down. */
  async function readClusterRpoLag(input: { region: string; dbClusterIdentifier: string }): Promise<RpoLagReading> {
    return readRpoLag(clients.probe.cloudWatch(input.region), input.dbClusterIdentifier);
  }

  return { waitForSecondary, waitForClusterLag, readClusterRpoLag };
}
