/**
 * Shapes of a failover's decisions (the `approve` / `abort` signals and Updates) and of its
 * notifications (`notify`). Kept apart from types.ts, which is near its size limit.
 */

/** `notify` in the request: where the run says that it waits for a decision, and how it ended. */
export interface FailoverNotify {
  /**
   * An SNS topic, published to in its own region (taken from the ARN). Keep it out of the region
   * you fail away from: that region may be down.
   */
  snsTopicArn: string;
}

export type DecisionKind = 'approve' | 'abort';

/** Where the run stands for decisions: what the Updates' validators check. */
export type DecisionPhase =
  /** Preflight (or the drill record) is not done: an approve would be blind, an abort ends the run at the gate. */
  | 'before-gate'
  /** Waiting for `approve` or `abort`. */
  | 'waiting'
  /** A decision was made (by an operator, or `approval: "auto"`), or the wait timed out. */
  | 'decided'
  /** The run ended before its gate (preflight failed, or nothing to do). */
  | 'ended';

export interface DecisionState {
  phase: DecisionPhase;
  approval: 'auto' | 'signal';
  /** The decision made, when one was. */
  decision?: { kind: DecisionKind | 'auto' | 'timeout'; by?: string; at?: string };
}

/** What a notification carries: the subject and a plain-text message made of the report's findings. */
export interface FailoverNotice {
  topicArn: string;
  subject: string;
  message: string;
}

/** The outcome of a publish: its message id, or why it failed (a warning, never a failed run). */
export type NoticeResult = { ok: true; messageId: string } | { ok: false; error: string };
