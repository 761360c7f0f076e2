/**
 * A failover's decisions and notifications, as pure rules: when `approve` and `abort` are
 * accepted, the `notify` field, and the words a notification carries. Tested without a server.
 */
import { z } from 'zod';
import type { DecisionKind, DecisionState, FailoverNotice } from './decision-types';
import type { FailoverReport, FailoverRequest } from './types';

/** A decision later than this after preflight is acted on only once the record and replica are read again. */
export const RECHECK_AFTER_MS = 5 * 60_000;

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z]{2}(-[a-z]+)+-\d):(\d{12}):([A-Za-z0-9_-]{1,256}(\.fifo)?)$/;

/** The region of an SNS topic ARN (SNS publishes only in the topic's own region), or undefined. */
export function topicRegion(arn: string): string | undefined {
  return SNS_TOPIC_ARN.exec(arn)?.[1];
}

export const notifySchema = z.strictObject({
  snsTopicArn: z
    .string()
    .regex(SNS_TOPIC_ARN, 'must be an SNS topic ARN like arn:aws:sns:us-west-2:111122223333:abc-dr-events'),
});

const who = (d: DecisionState['decision']) => (d?.by ? ` by ${d.by}` : '');

/**
 * Why an `approve` or `abort` Update is rejected in this state, or undefined when it is accepted.
 * `approve` only while the run waits for a decision; `abort` until a decision is made (before the
 * gate it ends the run there, having changed nothing).
 */
export function rejectDecision(kind: DecisionKind, s: DecisionState): string | undefined {
  const d = s.decision;
  if (s.phase === 'ended') return 'the run has already ended; a decision can no longer change it';
  if (s.phase === 'decided' || d) {
    if (d?.kind === 'abort') return `the run was already aborted${who(d)}; nothing was changed`;
    if (d?.kind === 'timeout')
      return 'no decision came within approvalTimeout: the run was aborted, nothing was changed';
    const approved = d?.kind === 'auto' ? 'approved automatically (approval: auto)' : `already approved${who(d)}`;
    return kind === 'abort'
      ? `the failover was ${approved} and is under way; cancel the workflow to stop it (its report says what changed)`
      : `the failover was ${approved}`;
  }
  if (kind === 'abort') return undefined;
  if (s.approval === 'auto') return 'this run does not wait for a decision (approval: auto)';
  if (s.phase === 'before-gate')
    return 'the run is not waiting for a decision yet: preflight has not finished, so there is nothing to approve';
  return undefined;
}

/** The RPO the report carries, when preflight measured one (the data side adds `rpo`). */
export function rpoOf(report: FailoverReport): string | undefined {
  const rpo = (report as { rpo?: { seconds: number | null; basis: string } }).rpo;
  if (!rpo) return undefined;
  return rpo.seconds === null ? `unknown (${rpo.basis})` : `${rpo.seconds} s (${rpo.basis})`;
}

/** Preflight's findings, as its step recorded them. */
export const findingsOf = (report: FailoverReport) => report.steps.find((s) => s.name === 'preflight')?.detail ?? '';

/** What the run says when it waits for a decision, and when it ends. */
export function noticeOf(
  req: FailoverRequest,
  report: FailoverReport,
  when: 'waiting' | 'ended',
  workflowId: string,
): FailoverNotice | undefined {
  if (!req.notify) return undefined;
  const what = `${report.drill ? 'Drill failover' : 'Failover'} of ${report.recordName} ${req.from.region} → ${req.to.region}`;
  const rpo = rpoOf(report);
  const lines =
    when === 'waiting'
      ? [
          `${what} waits for a decision, up to ${req.approvalTimeout ?? '30m'}.`,
          `Approve: npm run client -- failover approve ${workflowId}   Abort: npm run client -- failover abort ${workflowId}`,
        ]
      : [
          `${what}: ${report.outcome}${report.reason ? `: ${report.reason}` : ''}.`,
          `RTO: ${report.rtoSeconds === null ? 'none (no switch, or not healthy in time)' : `${report.rtoSeconds} s`}`,
        ];
  return {
    topicArn: req.notify.snsTopicArn,
    // SNS: at most 100 printable ASCII characters, no line breaks.
    subject: `${when === 'waiting' ? 'DECISION NEEDED' : report.outcome.toUpperCase()}: ${what}`
      .replace(/→/g, '->')
      .replace(/[^ -~]/g, '-')
      .slice(0, 100),
    message: [
      ...lines,
      ...(rpo ? [`RPO: ${rpo}`] : []),
      `Findings: ${findingsOf(report)}`,
      ...(when === 'ended' ? report.steps.map((s) => `- ${s.name}: ${s.outcome}: ${s.detail}`) : []),
      ...(report.warnings?.length ? [`Warnings: ${report.warnings.join('; ')}`] : []),
      `Workflow: ${workflowId}`,
    ].join('\n'),
  };
}
