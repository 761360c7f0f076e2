import { condition, patched, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import { RECHECK_AFTER_MS } from '../../domain/failover/decisions';
import { DEFAULT_APPROVAL_TIMEOUT, durationMs } from '../../domain/failover/validate';
import { settleEarlyDecisions } from './decisions';
import { notify } from './notify';
import { recheck, RECHECK_PATCH } from './recheck';
import { by, end, seconds, type FailoverRun, type StepEnd } from './run';

/**
 * The approval gate. With `approval: "signal"` it waits for `approve` or `abort` (signals or
 * Updates) up to the timeout; an abort or a timeout ends the run before anything is changed. An
 * `approve` that came before the gate is ignored; an `abort` that came before it ends the run here.
 * Sets where the RTO counts from.
 */
export async function approval(run: FailoverRun): Promise<StepEnd | undefined> {
  const { req, report } = run;
  const book = run.decisions;
  const timeout = req.approvalTimeout ?? DEFAULT_APPROVAL_TIMEOUT;
  const a = run.begin('approval', req.approval === 'signal' ? `waiting up to ${timeout} for approve or abort` : 'auto');
  book.preflightAt ??= a;
  settleEarlyDecisions(run);
  if (req.approval === 'signal') {
    if (!run.decision) {
      book.phase = 'waiting';
      run.progress.awaitingDecision = true;
      setCurrentDetails(
        `**Waiting for a decision** on the ${run.drill ? 'drill' : 'failover'} ${run.route} of ${run.recordName}, up to ${timeout}.\n\nSend \`approve\` or \`abort\` (an Update answers at once; a signal works too).`,
      );
    }
    const published = run.decision ? undefined : notify(run, 'waiting');
    const decided = await condition(() => run.decision !== undefined, durationMs(timeout)!);
    await published;
    run.progress.awaitingDecision = false;
    book.phase = 'decided';
    report.decisionWaitSeconds = seconds(a, new Date());
    const decision = run.decision;
    if (!decided || !decision) {
      book.closed = 'timeout';
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
    // Much can change while a person reads the findings: act only on what still holds.
    const late = decision.at.getTime() - book.preflightAt.getTime() > RECHECK_AFTER_MS;
    return late && patched(RECHECK_PATCH) ? recheck(run) : undefined;
  }
  const early = run.decision;
  book.phase = 'decided';
  if (early?.kind === 'abort') {
    run.record(
      'approval',
      a,
      'aborted',
      `abort signal${by(early)} arrived before anything was changed; nothing was changed`,
    );
    return end('aborted', `aborted${by(early)}`);
  }
  book.closed = 'auto';
  run.record(
    'approval',
    a,
    'ok',
    `approval: auto, no wait; rtoSeconds counts from the start of the run${run.drill ? ', less the drill setup' : ''}`,
  );
  run.rtoStart = new Date(workflowInfo().runStartTime.getTime() + run.drillSetupMs);
  return undefined;
}
