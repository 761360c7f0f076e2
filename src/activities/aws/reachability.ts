import { ApplicationFailure } from '@temporalio/common';
import { describeUnreachable } from '../../domain/failover/reads';
import { isNoAnswer } from './errors';
import { FailureTypes } from '../../domain/failure-types';
import { type Unreachable } from '../../domain/failover/types';

/** Where a bounded check goes: its region, its API (as IAM names it) and what it checks. */
export interface ProbeTarget {
  region: string;
  service: string;
  check: string;
}

/**
 * Runs a check through a probe client. A request with no answer at all becomes `unreachable`
 * (with how long it waited); any answer, an error one included, is the check's own result.
 */
export async function tryProbe<T>(
  target: ProbeTarget,
  check: () => Promise<T>,
): Promise<{ value: T } | { unreachable: Unreachable }> {
  const started = Date.now();
  try {
    return { value: await check() };
  } catch (err) {
    if (!isNoAnswer(err)) throw err;
    const e = err as Error;
    return { unreachable: { ...target, waitedMs: Date.now() - started, error: `${e.name}: ${e.message}` } };
  }
}

/** As tryProbe, but no answer fails the activity at once (non-retryable `Unreachable`, the facts in its details). */
export async function probe<T>(target: ProbeTarget, check: () => Promise<T>): Promise<T> {
  const out = await tryProbe(target, check);
  if ('value' in out) return out.value;
  throw ApplicationFailure.create({
    type: FailureTypes.Unreachable,
    message: describeUnreachable(out.unreachable),
    nonRetryable: true,
    details: [out.unreachable],
  });
}
