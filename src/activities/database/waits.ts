import { WaiterState } from '@smithy/util-waiter';
import {
  caughtUp,
  type ReplicaObservation,
  type ReplicaWaitInput,
  type WaitStretch,
} from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import type { AwsClients } from '../aws/clients';
import { nonRetryable } from '../aws/errors';
import { pollPaced } from '../aws/paced-waits';
import { describeInstance, replicationStatusOf } from './rds';
import { readReplicaLag } from './replication';

/**
 * One call waits at most this long, then hands back what it saw: the workflow shows it in its
 * progress and calls again, until its deadline. On AWS a replica is `creating` for minutes to hours.
 */
export const STRETCH_SECONDS = 300;
export const MIN_DELAY = 1;
export const MAX_DELAY = 30;

/** States a new replica does not come back from by itself (RDS user guide, "Viewing DB instance status"). */
const BROKEN = new Set([
  'failed',
  'incompatible-parameters',
  'incompatible-network',
  'incompatible-restore',
  'inaccessible-encryption-credentials',
  'restore-error',
  'storage-full',
  'deleting',
  'stopped',
]);
const REPLICATION_BROKEN = new Set(['error', 'terminated']);

export function stretchOf(deadline: string): number {
  const left = (Date.parse(deadline) - Date.now()) / 1000;
  return Math.max(MIN_DELAY + 1, Math.min(STRETCH_SECONDS, left));
}

export const past = (deadline: string) => Date.now() >= Date.parse(deadline);

/** What the workflow shows changed (or it has shown nothing yet): the stretch ends early, so its progress follows. */
export const changed = (seen: ReplicaObservation, last: ReplicaObservation | undefined) =>
  !last ||
  seen.status !== last.status ||
  seen.replicationStatus !== last.replicationStatus ||
  (seen.lagSeconds ?? null) !== (last.lagSeconds ?? null);

export function createReplicaWaits(clients: AwsClients) {
  /**
   * Until the replica is `available` and StatusInfos says `replicating`, for one stretch, which also
   * ends when what it sees differs from `lastSeen` (so that the workflow's progress follows). Read-
   * only, so a retry (a lost worker) only looks again. A state with no way forward fails at once.
   */
  async function waitForReplica(input: ReplicaWaitInput): Promise<WaitStretch> {
    const rds = clients.rds(input.region);
    const id = input.dbInstanceIdentifier;
    const { state, seen } = await pollPaced<ReplicaObservation>(
      { minDelay: MIN_DELAY, maxDelay: MAX_DELAY, maxWaitTime: stretchOf(input.deadline) },
      async () => {
        const db = await describeInstance(rds, id);
        if (!db) throw nonRetryable(FailureTypes.ReplicaNotFound, `${id} no longer exists in ${input.region}`);
        const replication = replicationStatusOf(db);
        const seen = {
          status: db.DBInstanceStatus ?? 'unknown',
          ...(replication ? { replicationStatus: replication } : {}),
        };
        if (seen.status === 'available' && replication === 'replicating') return { state: WaiterState.SUCCESS, seen };
        if (BROKEN.has(seen.status) || REPLICATION_BROKEN.has(replication ?? ''))
          return { state: WaiterState.FAILURE, seen };
        // Paced from the replica's creation while it is being created (a new call is no new wait).
        const since = seen.status === 'creating' ? db.InstanceCreateTime?.getTime() : undefined;
        const state = changed(seen, input.lastSeen) ? WaiterState.SUCCESS : WaiterState.RETRY;
        return { state, seen, ...(since === undefined ? {} : { since }) };
      },
    );
    const now = `${seen?.status ?? 'unknown'}, replication ${seen?.replicationStatus ?? 'not reported'}`;
    if (state === WaiterState.FAILURE)
      throw nonRetryable(FailureTypes.ReplicationFailed, `${id} in ${input.region} is ${now}; it will not replicate`);
    const done = seen?.status === 'available' && seen.replicationStatus === 'replicating';
    if (state === WaiterState.SUCCESS && (done || !past(input.deadline))) return { done, seen: seen! };
    if (past(input.deadline))
      throw nonRetryable(
        FailureTypes.WaitTimedOut,
        `${id} in ${input.region} is not replicating by ${input.deadline} (now ${now})`,
      );
    return { done: false, seen: seen ?? { status: 'unknown' } };
  }

  /**
   * Until the replica's newest ReplicaLag is at most `maxLagSeconds`, for one stretch. With no
   * datapoint (RDS has not published one yet) it keeps looking; past the deadline it fails, naming
   * the last datapoint it saw, or that there was none.
   */
  async function waitForReplicaLag(input: ReplicaWaitInput & { timeout: string }): Promise<WaitStretch> {
    const cw = clients.cloudWatch(input.region);
    const max = input.maxLagSeconds ?? 0;
    const { state, seen } = await pollPaced<ReplicaObservation>(
      { minDelay: MIN_DELAY, maxDelay: MAX_DELAY, maxWaitTime: stretchOf(input.deadline) },
      async () => {
        const lag = await readReplicaLag(cw, input);
        const seen = { status: 'available', ...lag };
        const report = caughtUp(lag.lagSeconds, max) || changed(seen, input.lastSeen);
        return { state: report ? WaiterState.SUCCESS : WaiterState.RETRY, seen };
      },
    );
    const done = caughtUp(seen?.lagSeconds ?? null, max);
    if (state === WaiterState.SUCCESS && (done || !past(input.deadline))) return { done, seen: seen! };
    if (!past(input.deadline)) return { done: false, seen: seen ?? { status: 'available', lagSeconds: null } };
    const where = `${input.dbInstanceIdentifier} in ${input.region}`;
    const saw =
      seen?.lagSeconds === null || seen?.lagSeconds === undefined
        ? `no ReplicaLag datapoint for ${where} in the last 15 minutes`
        : `ReplicaLag of ${where} was ${seen.lagSeconds} s at ${seen.measuredAt ?? '?'}${seen.lagSeconds < 0 ? ' (replication not running)' : ''}, above maxLagSeconds ${max}`;
    throw nonRetryable(FailureTypes.ReplicationNotCaughtUp, `${saw}, after waiting lagTimeout ${input.timeout}`);
  }

  return { waitForReplica, waitForReplicaLag };
}
