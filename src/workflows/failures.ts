import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import type { InvalidField } from '../domain/validation';

/** The AWS, validation or workflow failure underneath activity and child-workflow wrappers. */
export function rootCause(err: unknown): unknown {
  let cur: unknown = err;
  while ((cur instanceof ActivityFailure || cur instanceof ChildWorkflowFailure) && cur.cause) cur = cur.cause;
  return cur;
}

/** The root cause's stable `type`, if it has one. */
export function failureType(err: unknown): string | undefined {
  const cause = rootCause(err);
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** `Type: message` of the root cause, for reports and failure messages. */
export function explain(err: unknown): string {
  const cause = rootCause(err);
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Bad input: non-retryable, named by `type` (`InvalidPeeringRequest`, …), with the field in its details. */
export function invalidInput(type: string, error: InvalidField): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message: `${error.field}: ${error.reason}`,
    nonRetryable: true,
    details: [error],
  });
}
