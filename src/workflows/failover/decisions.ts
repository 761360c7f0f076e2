import { ApplicationFailure, defineSignal, defineUpdate, patched, setHandler } from '@temporalio/workflow';
import type { DecisionKind, DecisionPhase, DecisionState } from '../../domain/failover/decision-types';
import { rejectDecision } from '../../domain/failover/decisions';
import { FAILOVER_SIGNALS, type DecisionInput, type FailoverProgress } from '../../domain/failover/types';
import { FailureTypes } from '../../domain/failure-types';
import type { Decision, FailoverRun } from './run';

export const approveFailoverSignal = defineSignal<[DecisionInput?]>(FAILOVER_SIGNALS.approve);
export const abortFailoverSignal = defineSignal<[DecisionInput?]>(FAILOVER_SIGNALS.abort);
/** The same decisions as Updates: the caller learns at once whether the run took it, and why not. */
export const approveFailoverUpdate = defineUpdate<FailoverProgress, [DecisionInput?]>(FAILOVER_SIGNALS.approve);
export const abortFailoverUpdate = defineUpdate<FailoverProgress, [DecisionInput?]>(FAILOVER_SIGNALS.abort);

/**
 * Runs from before this let the first signal decide, even an `approve` that came before preflight
 * had finished (nobody could have seen its findings). Asked only when such a signal came.
 */
export const EARLY_APPROVE_PATCH = 'failover-decision-early-approve';
/** Runs from before this made a drill's record even after an early abort (and then deleted it). */
export const EARLY_ABORT_PATCH = 'failover-decision-early-abort';

/** Where the run stands for decisions, besides `run.decision`. */
export interface DecisionBook {
  phase: DecisionPhase;
  /** `approve` signals that came before the gate, in order: ignored (and listed in warnings). */
  early: Decision[];
  /** Orders the decisions that came in one workflow task. */
  seq: number;
  /** How the gate closed without an operator's decision. */
  closed?: 'auto' | 'timeout';
  /** When preflight finished: a decision much later is acted on only after a re-read. */
  preflightAt?: Date;
}

export const newDecisionBook = (): DecisionBook => ({ phase: 'before-gate', early: [], seq: 0 });

const by = (d: DecisionInput) => `${d.by ? ` by ${d.by}` : ''}${d.reason ? ` (${d.reason})` : ''}`;

export function decisionState(run: FailoverRun): DecisionState {
  const { decision: d, decisions: b } = run;
  const decision = d
    ? { kind: d.kind, ...(d.by ? { by: d.by } : {}), at: d.at.toISOString() }
    : b.closed
      ? { kind: b.closed }
      : undefined;
  return { phase: b.phase, approval: run.req.approval ?? 'auto', ...(decision ? { decision } : {}) };
}

/** A signal or an accepted Update. Before the gate an abort is kept (it ends the run there), an approve only noted. */
function take(run: FailoverRun, kind: DecisionKind, input: DecisionInput | undefined, via: 'signal' | 'update') {
  const b = run.decisions;
  const d: Decision = { kind, ...pick(input), at: new Date(), seq: b.seq++ };
  const open = b.phase === 'waiting' || (b.phase === 'before-gate' && kind === 'abort');
  if (!run.decision && open) {
    run.decision = d;
    run.progress.awaitingDecision = false;
  } else if (!run.decision && b.phase === 'before-gate') {
    b.early.push(d);
  } else if (via === 'signal') {
    run.report.warnings?.push(`an ${kind} signal${by(d)} came after the decision and was ignored`);
  }
}

/** Only `by` and `reason`, as strings: the payload is the caller's. */
function pick(input: DecisionInput | undefined): DecisionInput {
  const i = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  return {
    ...(typeof i.by === 'string' ? { by: i.by.slice(0, 200) } : {}),
    ...(typeof i.reason === 'string' ? { reason: i.reason.slice(0, 500) } : {}),
  };
}

function validator(run: FailoverRun, kind: DecisionKind) {
  // The payload is not checked: `by` and `reason` are optional, and anything else in it is dropped.
  return (_input?: DecisionInput): void => {
    const why = rejectDecision(kind, decisionState(run));
    if (why)
      throw ApplicationFailure.create({ type: FailureTypes.DecisionRejected, message: `${kind} rejected: ${why}` });
  };
}

/** The `approve` and `abort` signals, and the Updates of the same names with their validators. */
export function installDecisionHandlers(run: FailoverRun): void {
  const accepted = (kind: DecisionKind) => (input?: DecisionInput) => {
    take(run, kind, input, 'update');
    return run.progress;
  };
  setHandler(approveFailoverSignal, (input?: DecisionInput) => take(run, 'approve', input, 'signal'));
  setHandler(abortFailoverSignal, (input?: DecisionInput) => take(run, 'abort', input, 'signal'));
  setHandler(approveFailoverUpdate, accepted('approve'), { validator: validator(run, 'approve') });
  setHandler(abortFailoverUpdate, accepted('abort'), { validator: validator(run, 'abort') });
}

/**
 * At the gate: what the signals that came before it decide. An early `approve` is ignored and
 * listed in warnings; an early `abort` stands. A run from before this let the first signal decide.
 */
export function settleEarlyDecisions(run: FailoverRun): void {
  const b = run.decisions;
  const first = b.early[0];
  if (!first) return;
  if (patched(EARLY_APPROVE_PATCH)) {
    for (const d of b.early)
      run.report.warnings?.push(
        `an approve signal${by(d)} came before the run waited for a decision (before preflight had finished) and was ignored`,
      );
  } else if (!run.decision || first.seq! < run.decision.seq!) {
    run.decision = first;
  }
  b.early = [];
}

/** An abort that came before the gate ends the run there: a drill then makes no drill record at all. */
export function abortedBeforeGate(run: FailoverRun): boolean {
  return run.decision?.kind === 'abort' && patched(EARLY_ABORT_PATCH);
}
