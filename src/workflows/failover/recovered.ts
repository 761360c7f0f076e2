import { isCancellation, patched, proxyActivities } from '@temporalio/workflow';
import type { PlannedStep } from '../../domain/failover/plan';
import {
  DEFAULT_RECOVERY_TIMEOUT,
  describeReading,
  describeSignal,
  notHealthyWarning,
  rtoToHealthy,
  signalExists,
  unreachableOf,
} from '../../domain/failover/recovery';
import type { RecoveryWait, SignalReading } from '../../domain/failover/types';
import { durationMs } from '../../domain/failover/validate';
import { explain } from '../failures';
import { seconds, type FailoverRun, type StepEnd } from './run';
import { EC2_CALL, RECOVERY, type Activities } from '../activity-options';

const health = proxyActivities<Activities>(RECOVERY);
const reads = proxyActivities<Activities>(EC2_CALL);

/** Runs from before `recoveredWhen` refused it as an unknown field; on replay they still must. */
export const RECOVERED_PATCH = 'failover-recovered-when';

/** Past the recovery timeout: one last poll and the answer, even on a busy worker. */
const MARGIN_MS = 60_000;

/** May this run use `recoveredWhen`? Asked only when the request has it: older histories replay as they were. */
export function recoveryKnown(request: unknown): boolean {
  const r = request as { recoveredWhen?: unknown; recoveryTimeout?: unknown } | null;
  const asks =
    typeof r === 'object' && r !== null && (r.recoveredWhen !== undefined || r.recoveryTimeout !== undefined);
  return !asks || patched(RECOVERED_PATCH);
}

const listed = (readings: SignalReading[]) => readings.map(describeReading).join('; ');

/**
 * After the verified switch: wait until the application serves again in the target region, every
 * alarm `OK` and every health check healthy from most of its checkers, for at most
 * `recoveryTimeout`. `rtoSeconds` then counts to that moment, as ARC's "actual recovery time" does.
 * Not healthy in time, the switch stands: the run still completes, `rtoSeconds` is null and
 * `warnings` names the signal. A drill only reads each signal once: it exists, in what state.
 */
export async function recovered(
  run: FailoverRun,
  step: Extract<PlannedStep, { kind: 'recovered' }>,
): Promise<StepEnd | undefined> {
  const { req, report } = run;
  const names = step.signals.map(describeSignal).join(', ');
  const switchRtoSeconds = report.rtoSeconds;
  if (run.drill) return checkSignals(run, step, names);
  const timeout = req.recoveryTimeout ?? DEFAULT_RECOVERY_TIMEOUT;
  const s = run.begin('recovered', `waiting up to ${timeout} until healthy: ${names}`);
  const ms = durationMs(timeout)!;
  let wait: RecoveryWait;
  try {
    wait = await health.awaitRecovery.executeWithOptions(
      {
        summary: `Wait up to ${timeout} until healthy: ${names}`,
        startToCloseTimeout: ms + MARGIN_MS,
        scheduleToCloseTimeout: ms + 5 * MARGIN_MS,
      },
      [{ signals: step.signals, deadline: new Date(s.getTime() + ms).toISOString() }],
    );
  } catch (err) {
    if (isCancellation(err)) throw err;
    report.recovery = { healthyAt: null, waitedSeconds: seconds(s, new Date()), switchRtoSeconds, signals: [] };
    report.rtoSeconds = null;
    report.warnings?.push(`recovered: the health signals could not be read: ${explain(err)}. The switch stands`);
    run.record('recovered', s, 'failed', `${explain(err)}; the switch stands, rtoSeconds is null`);
    return undefined;
  }
  const healthyAt = wait.healthyAt ? new Date(wait.healthyAt) : null;
  report.recovery = {
    healthyAt: wait.healthyAt,
    waitedSeconds: Math.max(0, seconds(s, healthyAt ?? new Date())),
    switchRtoSeconds,
    signals: wait.readings,
  };
  report.unreachable?.push(...unreachableOf(wait.readings));
  if (healthyAt && switchRtoSeconds !== null) {
    report.rtoSeconds = rtoToHealthy(run.rtoStart!, healthyAt, switchRtoSeconds);
    run.record(
      'recovered',
      s,
      'ok',
      `healthy ${report.recovery.waitedSeconds} s after the verified switch (poll ${wait.polls}): ${listed(wait.readings)}; rtoSeconds ${report.rtoSeconds} counts to it (${switchRtoSeconds} s to the switch)`,
    );
    return undefined;
  }
  report.rtoSeconds = null;
  const warning = notHealthyWarning(wait.readings, timeout, wait.missing);
  report.warnings?.push(warning);
  run.record('recovered', s, 'failed', `${warning}; switch verified ${switchRtoSeconds} s after the start`);
  return undefined;
}

/** A drill reads each signal once and counts nothing: `rtoSeconds` stays the switch's. */
async function checkSignals(
  run: FailoverRun,
  step: Extract<PlannedStep, { kind: 'recovered' }>,
  names: string,
): Promise<StepEnd | undefined> {
  const { report } = run;
  const s = run.begin('recovered', `drill: checking that ${names} exist`);
  let readings: SignalReading[];
  try {
    readings = await reads.readRecoverySignals.executeWithOptions({ summary: `Drill: read ${names} once` }, [
      { signals: step.signals },
    ]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    report.warnings?.push(`recovered (drill): the health signals could not be read: ${explain(err)}`);
    run.record('recovered', s, 'failed', explain(err));
    return undefined;
  }
  report.recovery = { healthyAt: null, waitedSeconds: 0, switchRtoSeconds: report.rtoSeconds, signals: readings };
  report.unreachable?.push(...unreachableOf(readings));
  const absent = readings.filter((r) => !signalExists(r));
  if (absent.length) report.warnings?.push(`recovered (drill): not found or not read: ${listed(absent)}`);
  run.record(
    'recovered',
    s,
    absent.length ? 'failed' : 'ok',
    `drill: ${listed(readings)}; not waited for, and not counted in rtoSeconds`,
  );
  return undefined;
}
