import { promotesCluster, takeClusterPromotion } from '../../domain/failover/cluster-promotion';
import { planFailover, type PlannedStep } from '../../domain/failover/plan';
import type { FailoverReport, FailoverRequest } from '../../domain/failover/types';
import { validateFailoverRequest } from '../../domain/failover/validate';
import { CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import { invalidInput } from '../failures';
import { CANCEL_REPORT_PATCH, finishCancelled } from './cancelled';
import { abortedBeforeGate } from './decisions';
import { notify } from './notify';
import { approval } from './approval';
import { createDrillRecord, withDrillCleanup } from './drill-record';
import { preflight } from './preflight';
import { drain } from './drain';
import { fence } from './fence';
import { promote } from './promote';
import { preflightCluster } from './promote-cluster';
import { recovered, recoveryKnown } from './recovered';
import { switchRoutingControls, verifyRoutingControls } from './routing-control';
import { startRun, type FailoverRun, type StepEnd } from './run';
import { inParallel, scaleAfter, scaleStep } from './scale';
import { switchRecord } from './switch';
import { verifyRecord } from './verify';
import { FailureTypes } from '../../domain/failure-types';

export { abortFailoverSignal, approveFailoverSignal, failoverProgressQuery } from './run';
export { abortFailoverUpdate, approveFailoverUpdate } from './decisions';

type Step<K extends PlannedStep['kind']> = (
  run: FailoverRun,
  step: Extract<PlannedStep, { kind: K }>,
) => Promise<StepEnd | undefined>;

/** What each kind of step does; a step answers how the run ends when it ends there, else undefined. */
const STEPS: { [K in PlannedStep['kind']]: Step<K> } = {
  // An abort before the gate ends the run there, at the approval step: nothing to make or delete.
  'create-drill-record': (run) => (abortedBeforeGate(run) ? Promise.resolve(undefined) : createDrillRecord(run)),
  approval,
  // Planned mode: the writers fenced, then the replica drained to a lag of 0, before any promotion.
  fence,
  drain,
  // The promotion and the pilot light's capacity at once; only then may DNS move.
  prepare: (run, step) => inParallel([promote(run), ...step.scale.map((a) => scaleStep(run, a))]),
  switch: (run, step) => (step.mode === 'upsert' ? switchRecord(run) : switchRoutingControls(run)),
  verify: (run, step) => (step.mode === 'upsert' ? verifyRecord(run) : verifyRoutingControls(run)),
  // Until the application is healthy; not healthy in time, the switch stands.
  recovered,
  // After a verified switch: a failure is reported, and the switch stands.
  'scale-after': (run, step) => scaleAfter(run, step.scale),
};

/** How a run from before `recoveredWhen` answered a request with it. */
const BEFORE_RECOVERY = { field: '(request)', reason: 'recoveredWhen and recoveryTimeout are not known to this run' };
/** Runs from before `notify` refused it as an unknown field; on replay they still must. Asked only when it is given. */
const NOTIFY_PATCH = 'failover-decision-notify';
const BEFORE_NOTIFY = { field: 'notify', reason: 'is not known to this run' };

const runStep = <K extends PlannedStep['kind']>(run: FailoverRun, step: Extract<PlannedStep, { kind: K }>) =>
  (STEPS[step.kind] as Step<K>)(run, step);

/**
 * The DR redirect, as a runbook: preflight, then the planned steps. An optional approval gate;
 * the promotion of the standby database and the pilot light's capacity, in parallel; the switch
 * (a Route 53 UPSERT, or ARC routing controls through the data plane) and its read-back; with
 * `recoveredWhen`, the wait until the application is healthy; then the capacity changes that wait
 * for a verified switch. Every step is timed in the report. A failed preflight, an abort or a
 * timeout change nothing. Nothing is undone: if a step fails after a change, the report says so,
 * and running the same request again resumes.
 */
export async function FailoverToRegion(request: FailoverRequest): Promise<FailoverReport> {
  if (!recoveryKnown(request)) throw invalidInput(FailureTypes.InvalidFailoverRequest, BEFORE_RECOVERY);
  if ((request as { notify?: unknown } | null)?.notify !== undefined && !patched(NOTIFY_PATCH))
    throw invalidInput(FailureTypes.InvalidFailoverRequest, BEFORE_NOTIFY);
  // Aurora: a cluster to make the writer, checked and run apart from the instance path.
  const aurora = promotesCluster(request) && patched('aurora-failover-cluster') ? takeClusterPromotion(request) : null;
  if (aurora && !aurora.ok) throw invalidInput(FailureTypes.InvalidFailoverRequest, aurora.error);
  const checked = validateFailoverRequest(aurora ? aurora.rest : request);
  if (!checked.ok) throw invalidInput(FailureTypes.InvalidFailoverRequest, checked.error);
  const run = startRun(checked.value);
  if (aurora) run.cluster = { cluster: aurora.cluster };
  try {
    const report = await runbook(run);
    await notify(run, 'ended');
    return report;
  } catch (err) {
    // Cancelled: the report still says what changed (the result is a CanceledFailure, so the
    // `progress` query and the memo keep it). Its reads must not be cancelled in their turn.
    if (isCancellation(err) && run.progress.step !== 'done' && patched(CANCEL_REPORT_PATCH))
      await CancellationScope.nonCancellable(() => finishCancelled(run));
    throw err;
  }
}

async function runbook(run: FailoverRun): Promise<FailoverReport> {
  const stopped = (await preflight(run)) ?? (run.cluster ? await preflightCluster(run, run.cluster) : undefined);
  if (stopped) return run.finish(stopped.outcome, stopped.reason);

  const plan = planFailover(run.req);
  const steps = async (): Promise<FailoverReport> => {
    for (const step of plan.steps) {
      const ended = await runStep(run, step);
      if (ended) return run.finish(ended.outcome, ended.reason);
    }
    return run.finish('completed');
  };
  return plan.drillCleanup ? withDrillCleanup(run, steps) : steps();
}
