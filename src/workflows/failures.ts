import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import type { InvalidField } from '../domain/validation';
import { FailureTypes } from '../domain/failure-types';

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

/**
 * A side role the worker refused to assume (outside its `ASSUMABLE_ROLE_ARNS`), as the workflow's
 * own bad input (`type`), naming the request's field that gave the role: `fields` pairs each field
 * with the role it holds; a role from elsewhere (a recorded setup's) is named by `otherwise`.
 * Undefined when the failure is anything else.
 */
export function roleNotAllowed(
  type: string,
  err: unknown,
  fields: Array<[field: string, roleArn: string | undefined]>,
  otherwise: string,
): ApplicationFailure | undefined {
  const cause = rootCause(err);
  if (!(cause instanceof ApplicationFailure) || cause.type !== FailureTypes.RoleNotAllowed) return undefined;
  // Composite activities put their step first in the details.
  const roleArn = (cause.details ?? [])
    .map((d) => (d as { roleArn?: unknown } | undefined)?.roleArn)
    .find((r): r is string => typeof r === 'string');
  const field = fields.find(([, arn]) => arn !== undefined && arn === roleArn)?.[0] ?? otherwise;
  return invalidInput(type, {
    field,
    reason: `${roleArn ?? 'its role'} is outside the worker's allowlist of roles it may assume (ASSUMABLE_ROLE_ARNS); nothing was changed`,
  });
}
