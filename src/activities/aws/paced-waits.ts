import { WaiterState } from '@smithy/util-waiter';
import { FailureTypes } from '../../domain/failure-types';
import { activitySignal, heartbeat, pause } from '../activity-context';
import { retryable } from './errors';
import type { Poll } from './waiting';

/**
 * The next read comes after at most this fraction of the time waited so far, so a wait ends
 * within 5% (or `minDelay`) of AWS being done, however long AWS took: a 30 s creation is read
 * every 1.5 s at its end, a 30-minute one every 30 s (`maxDelay`). The SDK waiters' backoff
 * reaches its `maxDelay` after five reads whatever the wait's length: with 30 s, the bench saw a
 * replica that was `creating` for 30 s noticed 18 s late.
 */
export const WAITED_FRACTION = 0.05;

/** Seconds until the next read, after `waitedSeconds` of waiting. */
export function pacedDelay(waitedSeconds: number, minDelay: number, maxDelay: number): number {
  return Math.min(maxDelay, Math.max(minDelay, waitedSeconds * WAITED_FRACTION));
}

export interface PacedPollOptions {
  minDelay: number;
  maxDelay: number;
  /** Seconds: no read starts after this. */
  maxWaitTime: number;
}

/**
 * One read's verdict; `since` (ms since the epoch) is when what it waits for began, where AWS says
 * (a `creating` instance's InstanceCreateTime): the wait is paced from there, not from this call,
 * so a wait carried on over several calls is not read every second again at each call's start.
 */
export type PacedPoll<T> = Poll<T> & { since?: number };

/**
 * Reads until `check` says success or failure, pacing the reads with `pacedDelay`; each read
 * heartbeats what it saw, and the activity's cancellation stops the wait. Answers the verdict and
 * the last state seen, as pollWithHeartbeat does; past `maxWaitTime`, `TIMEOUT`.
 */
export async function pollPaced<T>(
  options: PacedPollOptions,
  check: () => Promise<PacedPoll<T>>,
): Promise<{ state: WaiterState; seen: T | undefined }> {
  const signal = activitySignal();
  const started = Date.now();
  const until = started + options.maxWaitTime * 1000;
  let origin = started;
  let seen: T | undefined;
  for (;;) {
    const poll = await check();
    seen = poll.seen;
    heartbeat(poll.seen);
    if (poll.state !== WaiterState.RETRY) return { state: poll.state, seen };
    if (poll.since !== undefined && poll.since < origin) origin = poll.since;
    const delayMs = pacedDelay((Date.now() - origin) / 1000, options.minDelay, options.maxDelay) * 1000;
    if (Date.now() + delayMs > until) return { state: WaiterState.TIMEOUT, seen };
    await pause(delayMs);
    if (signal?.aborted) throw signal.reason ?? retryable(FailureTypes.Cancelled, 'stopped waiting');
  }
}
