/**
 * The shapes of a failover's recovery (CONTRACT.md, "recovery is the application healthy, not the
 * DNS written"): the health signals a request names, how each was read, and what the report says.
 * Apart from types.ts only for its length; types.ts re-exports them.
 */

/** A CloudWatch alarm on the application in the target region: healthy while `OK`. Read in its own region. */
export interface CloudWatchAlarmSignal {
  kind: 'cloudwatch-alarm';
  region: string;
  alarmName: string;
}

/** A Route 53 health check: healthy when most of its checkers report success. */
export interface Route53HealthCheckSignal {
  kind: 'route53-health-check';
  healthCheckId: string;
}

/** A sign that users are served again in the target region. */
export type RecoverySignal = CloudWatchAlarmSignal | Route53HealthCheckSignal;

/**
 * How a signal read: an alarm's `OK`, `ALARM` or `INSUFFICIENT_DATA`, a health check's `healthy` or
 * `unhealthy`; `missing` when it does not exist, `unreachable` when its API gave no answer within the
 * probe's bound, `error` when the API refused (the detail says why).
 */
export type SignalState =
  'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | 'healthy' | 'unhealthy' | 'missing' | 'unreachable' | 'error';

export interface SignalReading {
  signal: RecoverySignal;
  state: SignalState;
  healthy: boolean;
  /** What was seen, e.g. "ALARM: Threshold Crossed …" or "14 of 16 checkers report success". */
  detail: string;
  /** When it was read (the worker's clock). */
  readAt: string;
  /** With `unreachable`: how long the read waited. */
  waitedMs?: number;
}

/** What `awaitRecovery` answers: the first moment every signal read healthy, or the last readings at the deadline. */
export interface RecoveryWait {
  /** Start of the poll that first read every signal healthy; null when none did before the deadline. */
  healthyAt: string | null;
  /** The readings of the last poll. */
  readings: SignalReading[];
  polls: number;
  /** True when the wait stopped early because a signal does not exist (it cannot turn healthy). */
  missing: boolean;
}

/** The report's `recovery`, with `recoveredWhen`. */
export interface RecoveryReport {
  /**
   * When every signal was first read healthy after the switch; `rtoSeconds` counts to it. Null when
   * they were not healthy within `recoveryTimeout`, and in a drill, which waits for nothing.
   */
  healthyAt: string | null;
  /** From the verified switch to `healthyAt`, or to giving up; 0 in a drill. */
  waitedSeconds: number;
  /** The RTO to the verified switch alone (what `rtoSeconds` is without `recoveredWhen`). */
  switchRtoSeconds: number | null;
  /** Each signal as last read. */
  signals: SignalReading[];
}
