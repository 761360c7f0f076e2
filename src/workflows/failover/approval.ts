import { condition, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import { DEFAULT_APPROVAL_TIMEOUT, durationMs } from '../../domain/failover/validate';
import { by, end, seconds, type FailoverRun, type StepEnd } from './run';

/**
 * The approval gate. With `approval: "signal"` it waits for `approve` or `abort` up to the timeout;
 * an abort or a timeout ends the run before anything is changed. Sets where the RTO counts from.
 */
export async function approval(run: FailoverRun): Promise<StepEnd | undefined> {
  const { req, report } = run;
  const timeout = req.approvalTimeout ?? DEFAULT_APPROVAL_TIMEOUT;
  const a = run.begin('approval', req.approval === 'signal' ? `waiting up to ${timeout} for approve or abort` : 'auto');
  if (req.approval === 'signal') {
    run.progress.awaitingDecision = true;
    setCurrentDetails(
      `**Waiting for a decision** on the ${run.drill ? 'drill' : 'failover'} ${run.route} of ${run.recordName}, up to ${timeout}.\n\nSignal \`approve\` or \`abort\`.`,
    );
    const decided = await condition(() => run.decision !== undefined, durationMs(timeout)!);
    run.progress.awaitingDecision = false;
    report.decisionWaitSeconds = seconds(a, new Date());
    const decision = run.decision;
    if (!decided || !decision) {
      run.record('approval', a, 'aborted', `no approve or abort within ${timeout}; nothing was changed`);
      return end('aborted', `no decision within ${timeout}`);
    }
    if (decision.kind === 'abort') {
      run.record(
        'approval',
        a,
        'aborted',
        `aborted${by(decision)} after ${report.decisionWaitSeconds} s; nothing was changed`,
      );
      return end('aborted', `aborted${by(decision)}`);
    }
    run.record('approval', a, 'ok', `approved${by(decision)} after ${report.decisionWaitSeconds} s`);
    run.rtoStart = decision.at;
    return undefined;
  }
  const early = run.decision;
  if (early?.kind === 'abort') {
    run.record(
      'approval',
      a,
      'aborted',
      `abort signal${by(early)} arrived before anything was changed; nothing was changed`,
    );
    return end('aborted', `aborted${by(early)}`);
  }
  run.record(
    'approval',
    a,
    'ok',
    `approval: auto, no wait; rtoSeconds counts from the start of the run${run.drill ? ', less the drill setup' : ''}`,
  );
  run.rtoStart = new Date(workflowInfo().runStartTime.getTime() + run.drillSetupMs);
  return undefined;
}
