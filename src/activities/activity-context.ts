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
