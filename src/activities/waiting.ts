import { createWaiter, WaiterState } from '@smithy/util-waiter';
import { activitySignal, heartbeat } from './activity-context';
import { retryable } from './errors';

const HEARTBEAT_EVERY_MS = 5_000;

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
  heartbeat(details);
  const timer = setInterval(() => heartbeat(details), HEARTBEAT_EVERY_MS);
  try {
    return await wait(signal);
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  } finally {
    clearInterval(timer);
  }
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
  if (result.state === WaiterState.ABORTED) throw signal?.reason ?? retryable('Cancelled', 'stopped waiting');
  return { state: result.state, seen };
}
