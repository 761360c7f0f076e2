import { ApplicationFailure, CancellationScope, isCancellation, setCurrentDetails } from '@temporalio/workflow';
import type { MeshPeering, MeshPlan, MeshProgress, MeshRequest } from '../../domain/mesh/types';
import { explain, rootCause } from '../failures';
import { removeMeshVpcs, summarizePairs, teardownPairs } from './removal';
import { summarizeRemoval } from '../peering/removal';
import { type ResourceRef } from '../../domain/aws/resource-ref';
import { FailureTypes } from '../../domain/failure-types';

/** What a mesh run knows about the changes it made, carried across continue-as-new. */
export interface MeshContext {
  meshId: string;
  req: MeshRequest;
  progress: MeshProgress;
  /** VPCs (and subnets) this mesh made, in creation order. */
  created: ResourceRef[];
  /** Keys of the VPCs it set out to create; a rollback also finds them by these tags. */
  madeKeys: string[];
  /** Pairs it set up. */
  done: MeshPeering[];
  /** Pairs it started, set up or not: each is torn down on rollback, since it may have made something. */
  started: Array<{ between: [string, string]; setupWorkflowId: string }>;
  failedPair?: string;
}

/** A plan past a quota: bad input, refused before any change, naming the quota, the VPC and the count. */
export function quotaFailure(plan: MeshPlan): ApplicationFailure {
  const [first, ...more] = plan.violations;
  const listed = more.slice(0, 5).map((v) => `vpcs.${v.vpc} ${v.scope} ${v.count}/${v.limit}`);
  const others = more.length
    ? ` (and ${more.length} more past a quota: ${listed.join(', ')}${more.length > 5 ? ', …' : ''})`
    : '';
  return ApplicationFailure.create({
    type: FailureTypes.InvalidMeshRequest,
    message: `${first!.message}${others}`,
    nonRetryable: true,
    details: [{ field: `vpcs.${first!.vpc}`, reason: first!.message, violations: plan.violations }],
  });
}

/**
 * What a failed or cancelled mesh throws. Bad input found before any change is thrown as it is.
 * Otherwise, unless `onFailure: "keep"`, everything the mesh made is removed in a scope that a
 * cancellation cannot cut short: first the pairs, each by its own teardown (a pair that failed or
 * was cancelled has already rolled itself back; its teardown finds what is left), then the VPCs.
 */
export async function meshFailure(err: unknown, ctx: MeshContext, mutating: boolean): Promise<ApplicationFailure> {
  const cause = rootCause(err);
  if (!mutating && cause instanceof ApplicationFailure && cause.type === FailureTypes.InvalidMeshRequest) return cause;
  const step = ctx.progress.step;
  const cancelled = isCancellation(err) || CancellationScope.current().consideredCancelled;
  const what = cancelled
    ? `cancelled during step "${step}"`
    : `failed at step "${step}"${ctx.failedPair ? ` (pair ${ctx.failedPair})` : ''}: ${explain(err).replace(/\.+$/, '')}`;
  const causeError = cause instanceof Error ? cause : undefined;
  if (ctx.req.onFailure === 'keep' || !mutating) {
    const kept = [...ctx.created.map((r) => r.id), ...ctx.started.map((p) => p.setupWorkflowId)];
    return ApplicationFailure.create({
      type: FailureTypes.MeshFailed,
      message: `Mesh ${what}. ${mutating ? `Kept as requested: ${kept.join(', ')}` : 'Nothing was created.'}`,
      nonRetryable: true,
      cause: causeError,
      details: [{ step, kept: { vpcs: ctx.created, pairs: ctx.started } }],
    });
  }
  ctx.progress.step = 'rollback';
  setCurrentDetails(`**Rolling back** mesh ${ctx.meshId} after: ${what}`);
  const { pairs, vpcs } = await CancellationScope.nonCancellable(async () => {
    const limit = ctx.req.maxConcurrent ?? 4;
    const removedPairs = await teardownPairs(ctx.meshId, ctx.started, (p) => `${p.setupWorkflowId}--rollback`, limit);
    return { pairs: removedPairs, vpcs: await removeMeshVpcs(ctx.meshId, ctx.req, ctx.created, ctx.madeKeys) };
  });
  return ApplicationFailure.create({
    type: FailureTypes.MeshFailed,
    message: `Mesh ${what}. Rollback: ${summarizePairs(pairs)}; VPCs: ${summarizeRemoval(vpcs)}.`,
    nonRetryable: true,
    cause: causeError,
    details: [{ step, rollback: { pairs, vpcs } }],
  });
}
