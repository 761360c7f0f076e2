import type { FailoverReport, FailoverRequest } from '../domain/failover-types';
import { planFailover, type PlannedStep } from '../domain/failover-plan';
import { validateFailoverRequest } from '../domain/validate-failover';
import { invalidInput } from './failures';
import { approval } from './failover-approval';
import { createDrillRecord, withDrillCleanup } from './failover-drill-record';
import { preflight } from './failover-preflight';
import { promote } from './failover-promote';
import { startRun, type FailoverRun } from './failover-run';
import { switchRecord } from './failover-switch';
import { verifyRecord } from './failover-verify';

export { abortFailoverSignal, approveFailoverSignal, failoverProgressQuery } from './failover-run';

/** Each step kind; a step answers the finished report when the run ends there, else undefined. */
const STEPS: Record<PlannedStep['kind'], (run: FailoverRun) => Promise<FailoverReport | undefined>> = {
  'create-drill-record': createDrillRecord,
  approval,
  promote,
  switch: switchRecord,
  verify: verifyRecord,
};

/**
 * The DR redirect, as a runbook: preflight, then the planned steps (an optional approval gate,
 * promotion of the standby database, the Route 53 switch and a read-back). Every step is timed in
 * the report; a failed preflight, an abort or a timeout change nothing. A promotion is never
 * undone: if the switch fails after it, the report says so and running the same request again
 * resumes with the switch.
 */
export async function FailoverToRegion(request: FailoverRequest): Promise<FailoverReport> {
  const checked = validateFailoverRequest(request);
  if (!checked.ok) throw invalidInput('InvalidFailoverRequest', checked.error);
  const run = startRun(checked.value);
  const stopped = await preflight(run);
  if (stopped) return stopped;

  const plan = planFailover(run.req);
  const steps = async (): Promise<FailoverReport> => {
    for (const step of plan.steps) {
      const ended = await STEPS[step.kind](run);
      if (ended) return ended;
    }
    return run.finish('completed');
  };
  return plan.drillCleanup ? withDrillCleanup(run, steps) : steps();
}
