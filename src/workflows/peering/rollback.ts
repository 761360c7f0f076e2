import { ApplicationFailure, CancellationScope, isCancellation, setCurrentDetails } from '@temporalio/workflow';
import { deletionOrder, type ResourceRef } from '../../domain/aws/resource-ref';
import type { SetupProgress } from '../../domain/peering/types';
import { explain, roleNotAllowed, rootCause } from '../failures';
import { removeResources, summarizeRemoval, type RemovalReport } from './removal';
import { findSetupResources, type SetupContext } from './setup-calls';
import { FailureTypes } from '../../domain/failure-types';

/** Bad input, another network under the id, or a side's role that STS refuses: said as they are. */
const REFUSED_BEFORE_CHANGE = new Set<string>([
  FailureTypes.InvalidPeeringRequest,
  FailureTypes.SetupConflict,
  FailureTypes.AssumeRoleRefused,
]);

/** The finer step a composite activity names in its failure's details, if any. */
function stepOf(cause: unknown): string | undefined {
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const detail = cause.details?.[0] as { step?: unknown } | undefined;
  return typeof detail?.step === 'string' ? detail.step : undefined;
}

/**
 * What a failed or cancelled setup throws. Bad input found before any change is thrown as it is;
 * otherwise everything created is removed again (unless `onFailure: "keep"`), in a scope that a
 * cancellation cannot cut short, and the failure names the step, its cause and what rollback did.
 */
export async function setupFailure(
  err: unknown,
  ctx: SetupContext,
  progress: SetupProgress,
  mutating: boolean,
): Promise<ApplicationFailure> {
  const cause = rootCause(err);
  // Refused before any change, and thrown as it is.
  if (!mutating && cause instanceof ApplicationFailure && REFUSED_BEFORE_CHANGE.has(cause.type ?? '')) return cause;
  // A side's role outside the worker's allowlist, refused at its first (read-only) call: bad input.
  const { requester, accepter } = ctx.req;
  const outsideAllowlist =
    !mutating &&
    roleNotAllowed(
      FailureTypes.InvalidPeeringRequest,
      err,
      [
        ['requester.roleArn', requester.roleArn],
        ['accepter.roleArn', accepter.roleArn],
      ],
      '(an earlier run under this workflow id)',
    );
  if (outsideAllowlist) return outsideAllowlist;
  const failedStep = stepOf(cause) ?? progress.step;
  const what = isCancellation(err)
    ? `cancelled during step "${failedStep}"`
    : `failed at step "${failedStep}": ${explain(err)}`;
  const causeError = cause instanceof Error ? cause : undefined;

  if (ctx.req.onFailure === 'keep' || !mutating) {
    return ApplicationFailure.create({
      type: FailureTypes.SetupFailed,
      message: `Setup ${what}. ${mutating ? `Kept ${progress.created.length} resource(s) as requested: ${progress.created.map((r) => r.id).join(', ')}` : 'Nothing was created.'}`,
      nonRetryable: true,
      cause: causeError,
      details: [{ step: failedStep, kept: progress.created }],
    });
  }
  progress.step = 'rollback';
  setCurrentDetails(`**Rolling back** after: ${what}`);
  const removal = await CancellationScope.nonCancellable(() => rollback(ctx, progress.created));
  return ApplicationFailure.create({
    type: FailureTypes.SetupFailed,
    message: `Setup ${what}. Rollback ${summarizeRemoval(removal)}.`,
    nonRetryable: true,
    cause: causeError,
    details: [{ step: failedStep, rollback: removal }],
  });
}

/**
 * Removes what the setup made: the ledger, plus anything found by the setup tag that an activity
 * created before its response was lost.
 */
async function rollback(ctx: SetupContext, ledger: ResourceRef[]): Promise<RemovalReport> {
  const { req } = ctx;
  let found: ResourceRef[] = [];
  let inventoryError: string | undefined;
  try {
    found = (await findSetupResources(ctx)).refs;
  } catch (err) {
    inventoryError = explain(err);
  }
  const removal = await removeResources(deletionOrder([...ledger].reverse(), found), [
    { region: req.requester.region, access: ctx.access.requester },
    { region: req.accepter.region, access: ctx.access.accepter },
  ]);
  if (inventoryError)
    removal.failed.push({
      ref: { type: 'vpc', region: req.requester.region, id: '(tag search)' },
      error: inventoryError,
    });
  return removal;
}
