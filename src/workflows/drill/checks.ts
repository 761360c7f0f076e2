import { executeChild, isCancellation, ParentClosePolicy, proxyActivities } from '@temporalio/workflow';
import {
  DRILL_CHECKS,
  type DrillCheck,
  type InspectPeeringInput,
  type PeeringInspection,
} from '../../domain/drill/types';
import { describeReading, signalExists, signalName } from '../../domain/failover/recovery';
import type { FailoverReport, FailoverRequest, RecoverySignal } from '../../domain/failover/types';
import { FailoverToRegion } from '../failover/failover-to-region';
import { explain } from '../failures';
import { COMPOSITE, type Activities } from '../activity-options';

const inspection = proxyActivities<Activities>(COMPOSITE);

/** FailoverToRegion, called by its registered name so the two workflows stay independent modules. */

export const PEERING_CHECKS = [
  DRILL_CHECKS.peeringActive,
  DRILL_CHECKS.dns,
  DRILL_CHECKS.routes,
  DRILL_CHECKS.securityGroups,
  DRILL_CHECKS.nacls,
];

/** Inspection failures (AWS refusing, retries used up) become a failed report, never a failed drill run. */
export async function inspect(input: InspectPeeringInput, summary: string): Promise<PeeringInspection> {
  try {
    return await inspection.inspectPeering.executeWithOptions({ summary }, [input]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    const detail = `could not inspect: ${explain(err)}`;
    return {
      peeringConnectionId: input.locator.peeringConnectionId,
      status: 'unknown',
      checks: PEERING_CHECKS.map((name) => ({ name, ok: false, detail })),
      drift: [],
    };
  }
}

export async function rehearse(
  workflowId: string,
  request: FailoverRequest,
  summary: string,
): Promise<{ report: FailoverReport | null; error?: string }> {
  try {
    const report = await executeChild(FailoverToRegion, {
      args: [request],
      workflowId,
      staticSummary: summary,
      // A cancelled drill lets the rehearsal delete its drill record instead of being cut off.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
    return { report };
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { report: null, error: explain(err) };
  }
}

export function rehearsalCheck(name: string, run: { report: FailoverReport | null; error?: string }): DrillCheck {
  const r = run.report;
  if (!r) return { name, ok: false, detail: `the rehearsal failed: ${run.error ?? 'no report'}` };
  if (r.outcome !== 'completed') return { name, ok: false, detail: `${r.outcome}: ${r.reason ?? 'no reason given'}` };
  return {
    name,
    ok: true,
    detail: `completed on ${r.recordName}${r.rtoSeconds === null ? '' : ` in ${r.rtoSeconds} s`}`,
  };
}

export function rtoCheck(rto: number | null, target: number): DrillCheck {
  if (rto === null)
    return {
      name: DRILL_CHECKS.rto,
      ok: false,
      detail: `not measured (the failover rehearsal did not switch); target ${target} s`,
    };
  return {
    name: DRILL_CHECKS.rto,
    ok: rto <= target,
    detail: `${rto} s measured, target ${target} s${rto <= target ? '' : ` (over by ${Math.round((rto - target) * 1000) / 1000} s)`}`,
  };
}

/**
 * One check per health signal of `recoveredWhen`, named `recovered-when:<signal>`: it holds when the
 * rehearsal read the signal (it exists), whatever its state; a drill counts no recovery time.
 */
export function recoverySignalChecks(signals: RecoverySignal[], rehearsal: FailoverReport | null): DrillCheck[] {
  const readings = rehearsal?.recovery?.signals ?? [];
  return signals.map((signal) => {
    const name = `${DRILL_CHECKS.recoveredWhen}:${signalName(signal)}`;
    const r = readings.find((x) => signalName(x.signal) === signalName(signal));
    if (!r) return { name, ok: false, detail: 'not checked: the failover rehearsal did not reach its recovered step' };
    const what = describeReading(r);
    return { name, ok: signalExists(r), detail: signalExists(r) ? `exists; ${what}` : what };
  });
}
