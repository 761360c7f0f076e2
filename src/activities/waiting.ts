import { activitySignal, heartbeat } from './activity-context';

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
