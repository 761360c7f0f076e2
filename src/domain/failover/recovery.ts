/**
 * The recovery's pure decisions: what a health signal is called, when a Route 53 health check
 * counts as healthy, how the readings are said, and where the RTO ends. ARC Region switch measures
 * an execution's "actual recovery time" up to its application health alarms being OK again; with
 * `recoveredWhen`, `rtoSeconds` ends there too instead of at the DNS read-back.
 */
import { z } from 'zod';
import type { RecoverySignal, SignalReading } from './recovery-types';
import type { Unreachable } from './types';
import { regionSchema } from '../validation';

export const DEFAULT_RECOVERY_TIMEOUT = '15m';
export const MIN_RECOVERY_MS = 1_000;
export const MAX_RECOVERY_MS = 86_400_000;

/** PutMetricAlarm: 1 to 255 characters, UTF-8 without ASCII control characters. */
// eslint-disable-next-line no-control-regex
const ALARM_NAME = /^[^\u0000-\u001f\u007f]{1,255}$/;
/** Route 53 gives health checks UUIDs as their ids. */
const HEALTH_CHECK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const recoverySignalSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('cloudwatch-alarm'),
      region: regionSchema,
      alarmName: z
        .string()
        .regex(ALARM_NAME, 'must be a CloudWatch alarm name (1 to 255 characters, no control characters)'),
    }),
    z.strictObject({
      kind: z.literal('route53-health-check'),
      healthCheckId: z
        .string()
        .regex(
          HEALTH_CHECK_ID,
          'must be a Route 53 health check id (a UUID such as abcdef11-2222-3333-4444-555555fedcba)',
        ),
    }),
  ],
  { message: 'must be "cloudwatch-alarm" or "route53-health-check"' },
);

/** A stable name, for a drill's check: `cloudwatch-alarm:<region>:<name>` or `route53-health-check:<id>`. */
export function signalName(s: RecoverySignal): string {
  return s.kind === 'cloudwatch-alarm' ? `${s.kind}:${s.region}:${s.alarmName}` : `${s.kind}:${s.healthCheckId}`;
}

/** "alarm abc-dr-5xx in eu-west-1", "health check abcdef11-…" */
export function describeSignal(s: RecoverySignal): string {
  return s.kind === 'cloudwatch-alarm' ? `alarm ${s.alarmName} in ${s.region}` : `health check ${s.healthCheckId}`;
}

export interface CheckerVerdict {
  healthy: boolean;
  successes: number;
  total: number;
}

/**
 * A health check is healthy when most of its checkers (more than half) report success, as the
 * contract asks; with no checker reporting yet, it is not. (Route 53 itself calls a check healthy
 * above 18% of its checkers: "How Amazon Route 53 determines whether a health check is healthy".
 * Recovery asks for more: most of the world sees the application again.)
 */
export function checkerVerdict(statuses: string[]): CheckerVerdict {
  const successes = statuses.filter((s) => /^Success/i.test(s)).length;
  return { healthy: successes * 2 > statuses.length, successes, total: statuses.length };
}

/** "alarm abc-dr-5xx in eu-west-1: ALARM (Threshold Crossed …)" */
export function describeReading(r: SignalReading): string {
  return `${describeSignal(r.signal)}: ${r.state}${r.detail ? ` (${r.detail})` : ''}`;
}

/** The warning when the signals were not all healthy in time: which ones, as last read. */
export function notHealthyWarning(readings: SignalReading[], timeout: string, missing: boolean): string {
  const bad = readings.filter((r) => !r.healthy).map(describeReading);
  const when = missing ? 'a signal does not exist, so it cannot turn healthy' : `not healthy within ${timeout}`;
  return `recovered: ${when}: ${bad.join('; ')}. The switch stands; rtoSeconds is null`;
}

/** Whether a drill's check of a signal holds: it exists (its state was read). */
export function signalExists(r: SignalReading): boolean {
  return r.state !== 'missing' && r.state !== 'unreachable' && r.state !== 'error';
}

/** The signals whose API gave no answer at the last read, as the report's unreachable checks. */
export function unreachableOf(readings: SignalReading[]): Unreachable[] {
  return readings
    .filter((r) => r.state === 'unreachable')
    .map(({ signal: s, waitedMs, detail }) => ({
      region: s.kind === 'cloudwatch-alarm' ? s.region : 'us-east-1',
      service: s.kind === 'cloudwatch-alarm' ? 'cloudwatch' : 'route53',
      check: s.kind === 'cloudwatch-alarm' ? `alarm ${s.alarmName}` : `health check ${s.healthCheckId}`,
      waitedMs: waitedMs ?? 0,
      error: detail,
    }));
}

/** Seconds from `from` to `to`, to the millisecond. */
const secondsBetween = (from: Date, to: Date) => Math.round(to.getTime() - from.getTime()) / 1000;

/**
 * Where the RTO ends with `recoveredWhen`: the moment every signal was read healthy, never before the
 * verified switch (a signal may have been healthy all along; it still needed the traffic).
 */
export function rtoToHealthy(rtoStart: Date, healthyAt: Date, switchRtoSeconds: number): number {
  return Math.max(switchRtoSeconds, secondsBetween(rtoStart, healthyAt));
}
