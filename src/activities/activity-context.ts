import { Context } from '@temporalio/activity';

/*
 * The running activity's Temporal context. Each helper also works outside an activity (unit tests,
 * the bench's bare script), where there is nothing to report to.
 */

/** The running activity's info; undefined outside an activity (unit tests, the bench's bare script). */
export function activityInfo(): ReturnType<typeof Context.current>['info'] | undefined {
  try {
    return Context.current().info;
  } catch {
    return undefined;
  }
}

/** The activity's cancellation as an AbortSignal for SDK waiters; outside an activity, none. */
export function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

export function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Called outside an activity (unit tests, the bench's bare script): nothing to report to.
  }
}

/** The attempt of the running activity; 1 outside an activity. */
export function attempt(): number {
  return activityInfo()?.attempt ?? 1;
}

/** Sleeps, ending early with the activity's cancellation; outside an activity, a plain timer. */
export async function pause(ms: number): Promise<void> {
  let context;
  try {
    context = Context.current();
  } catch {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return;
  }
  await context.sleep(ms);
}

const KEEP_ALIVE_MS = 5_000;

/**
 * Runs `fn` while heartbeating every few seconds with the latest details it gave `beat`, so the
 * heartbeat timeout notices a lost worker within seconds even while one AWS call is slow, and a
 * cancellation reaches the activity. Every activity with a heartbeat timeout runs inside one.
 */
export async function keepAlive<T>(fn: (beat: (details: unknown) => void) => Promise<T>): Promise<T> {
  let last: unknown;
  const beat = (details: unknown) => {
    last = details;
    heartbeat(details);
  };
  const timer = setInterval(() => heartbeat(last), KEEP_ALIVE_MS);
  try {
    return await fn(beat);
  } finally {
    clearInterval(timer);
  }
}
