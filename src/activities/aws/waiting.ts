import { createWaiter, WaiterState } from '@smithy/util-waiter';
import { activitySignal, attempt, heartbeat, keepAlive, pause } from '../activity-context';
import { isResourceNotFound, retryable } from './errors';
import { FailureTypes } from '../../domain/failure-types';

/**
 * How long the activities wait out AWS's eventual consistency. Both are bounds: past them the
 * NotFound is reported, or the create goes ahead.
 */
export interface ConsistencyWindows {
  /** A write naming something created moments ago retries its NotFound for this long. @default 30 */
  notFoundSeconds: number;
  /**
   * A retried create looks again for its earlier work by tag for this long before creating: right
   * after a create, AWS's filtered Describes may not list it yet. @default 10
   */
  tagLagSeconds: number;
}

export const DEFAULT_CONSISTENCY: ConsistencyWindows = { notFoundSeconds: 30, tagLagSeconds: 10 };

/**
 * A wait on a failover's critical path (the promotion, the capacity, INSYNC): poll every second,
 * so that the step ends within a second of AWS being done. With the waiters' usual backoff (up to
 * 15 or 30 s between reads) each wait overshot by up to that: the failover bench measured a 30 s
 * promotion taking 55 s and a 10 s INSYNC 25 s. A maxDelay of 2 was no "1 to 2 s" either: past its
 * second read the SDK's backoff waits maxDelay exactly, so every read came 2 s after the last (the
 * promotion 32.9 s against the 1 s runbook's 31.0). A few more reads per failover cost nothing.
 */
export const STEP_WAIT = { minDelay: 1, maxDelay: 1 } as const;

/**
 * Runs an SDK waiter while heartbeating on a timer. The SDK's `waitUntil…` helpers poll without
 * telling Temporal, and a cancellation only reaches an activity (and so the waiter's abortSignal)
 * through a heartbeat. A waiter stopped by that cancellation rethrows the cancellation itself, so
 * the activity is reported as cancelled rather than failed.
 */
export async function waitWithHeartbeat<T>(
  details: unknown,
  wait: (abortSignal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  const signal = activitySignal();
  return keepAlive(async (beat) => {
    beat(details);
    try {
      return await wait(signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw err;
    }
  });
}

/**
 * Runs a write that names a resource created moments ago (a group, a VPC in the other region, a
 * peering), retrying AWS's NotFound for that resource with backoff for up to `seconds`. Any other
 * answer, and a NotFound past the bound, is the caller's.
 */
export async function retryNotFound<T>(seconds: number, call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (let delay = 500; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await call();
    } catch (err) {
      if (!isResourceNotFound(err) || Date.now() + delay > deadline) throw err;
      heartbeat({ waiting: `${(err as Error).name} (eventual consistency)` });
      await pause(delay);
    }
  }
}

/**
 * Looks for the work of an earlier attempt before a create that has no ClientToken. On a retry,
 * an earlier attempt may have created it and lost the answer, and AWS may not list it by tag yet:
 * the lookup is repeated for up to `tagLagSeconds` before the caller creates a second one.
 */
export async function findEarlierWork<T>(
  tagLagSeconds: number,
  find: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const found = await find();
  if (found !== undefined || attempt() <= 1) return found;
  const deadline = Date.now() + tagLagSeconds * 1000;
  while (Date.now() < deadline) {
    await pause(Math.min(1_000, Math.max(0, deadline - Date.now())));
    const again = await find();
    if (again !== undefined) return again;
  }
  return undefined;
}

export interface PollOptions<C> {
  client: C;
  /** Seconds between polls, growing from minDelay to maxDelay. */
  minDelay: number;
  maxDelay: number;
  maxWaitTime: number;
}

/** One poll's verdict and what it saw, which is heartbeated and handed back. */
export interface Poll<T> {
  state: WaiterState.SUCCESS | WaiterState.FAILURE | WaiterState.RETRY;
  seen: T;
}

/**
 * Polls with the SDK's waiter machinery until `check` says success or failure, for the waits that
 * have no SDK waiter. Each poll heartbeats what it saw, so a lost worker is noticed, the Web UI
 * shows the state, and a cancelled run stops polling. Answers the verdict and the last state seen;
 * a timeout answers `TIMEOUT`.
 */
export async function pollWithHeartbeat<C, T>(
  options: PollOptions<C>,
  check: (client: C) => Promise<Poll<T>>,
): Promise<{ state: WaiterState; seen: T | undefined }> {
  const signal = activitySignal();
  let seen: T | undefined;
  const result = await createWaiter(
    { ...options, ...(signal ? { abortSignal: signal } : {}) },
    undefined,
    async (c) => {
      const poll = await check(c);
      seen = poll.seen;
      heartbeat(poll.seen);
      return { state: poll.state, reason: poll.seen };
    },
  );
  if (result.state === WaiterState.ABORTED)
    throw signal?.reason ?? retryable(FailureTypes.Cancelled, 'stopped waiting');
  return { state: result.state, seen };
}
