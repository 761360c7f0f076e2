import { ApplicationFailure, CancellationScope, isCancellation, setCurrentDetails } from '@temporalio/workflow';
import type { ResourceRef } from '../../domain/aws/resource-ref';
import type { DbInstanceRef, ProtectionProgress } from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import { explain, rootCause } from '../failures';
import { reads, removalOrder, settles } from './calls';
import { ownRefs } from './check';

export interface RollbackContext {
  protectionId: string;
  progress: ProtectionProgress;
  /** The replica the run was making, and whether to look for its subnet group and group too. */
  replica: DbInstanceRef;
  network: boolean;
  vpcId?: string;
  /** What stood before this run began (a re-run's earlier work): left alone. */
  held: ResourceRef[];
  /** Never removed, whatever happens: the source (or the primary), and what the run retired. */
  never: DbInstanceRef[];
  /** Said in the message, e.g. that the old primary stays renamed. */
  note?: string;
  /**
   * Look under the protection's names for work whose answer was lost. Off until a re-protection has
   * begun its create: before that, the instance under the old identifier is the old primary.
   * @default true
   */
  searchNames?: boolean;
  /** Aurora: the search under the protection's names, instead of the instance one. */
  search?: () => Promise<ResourceRef[]>;
}

const key = (r: ResourceRef) => `${r.type}|${r.region}|${r.id.toLowerCase()}`;

/**
 * What a failed or cancelled protection throws, once it has removed what this run created, in
 * reverse, in a scope no cancellation cuts short: its ledger, plus what carries its tag under its
 * names but stood nowhere before the run (a create whose answer was lost). Never the source.
 */
export async function protectionFailure(err: unknown, ctx: RollbackContext): Promise<ApplicationFailure> {
  const { progress } = ctx;
  const failedStep = progress.step;
  const what = isCancellation(err)
    ? `cancelled during step "${failedStep}"`
    : `failed at step "${failedStep}": ${explain(err)}`;
  progress.step = 'rollback';
  setCurrentDetails(`**Rolling back** after: ${what}`);
  const result = await CancellationScope.nonCancellable(() => rollback(ctx));
  const said = [
    result.deleted.length ? `deleted ${result.deleted.map((r) => `${r.type} ${r.id}`).join(', ')}` : 'deleted nothing',
    ...(result.failed.length
      ? [`could not delete ${result.failed.map((f) => `${f.ref.id} (${f.error})`).join('; ')}`]
      : []),
  ].join('; ');
  const cause = rootCause(err);
  return ApplicationFailure.create({
    type: FailureTypes.ProtectionFailed,
    message: `Protection ${what}. Rollback ${said}.${ctx.note ? ` ${ctx.note}` : ''}`,
    nonRetryable: true,
    ...(cause instanceof Error ? { cause } : {}),
    details: [{ step: failedStep, rollback: result }],
  });
}

async function rollback(ctx: RollbackContext) {
  const found: ResourceRef[] = [];
  if (ctx.search)
    try {
      found.push(...(await ctx.search()));
    } catch {
      // The ledger alone, as below.
    }
  else if (ctx.searchNames !== false)
    try {
      const inventory = await reads.findProtectionResources.executeWithOptions(
        { summary: `Look for what the protection made under ${ctx.replica.dbInstanceIdentifier}'s names` },
        [
          {
            ...ctx.replica,
            protectionId: ctx.protectionId,
            network: ctx.network,
            ...(ctx.vpcId ? { vpcId: ctx.vpcId } : {}),
          },
        ],
      );
      found.push(...ownRefs(inventory));
    } catch {
      // The ledger alone, then: what the search would add is only work whose answer was lost.
    }
  const held = new Set(ctx.held.map(key));
  const never = new Set(
    ctx.never.map((d) => key({ type: 'db-instance', region: d.region, id: d.dbInstanceIdentifier })),
  );
  const seen = new Set<string>();
  const mine = removalOrder([...ctx.progress.created].reverse().concat(found)).filter((r) => {
    const k = key(r);
    if (held.has(k) || never.has(k) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const out = {
    deleted: [] as ResourceRef[],
    alreadyGone: [] as ResourceRef[],
    failed: [] as Array<{ ref: ResourceRef; error: string }>,
  };
  for (const ref of mine) {
    try {
      const done = await settles.removeProtectionResource.executeWithOptions(
        { summary: `Roll back: delete ${ref.type} ${ref.id} in ${ref.region}` },
        [{ ref, protectionId: ctx.protectionId }],
      );
      if (done.outcome === 'kept') out.failed.push({ ref, error: done.reason });
      else (done.outcome === 'deleted' ? out.deleted : out.alreadyGone).push(ref);
    } catch (err) {
      out.failed.push({ ref, error: explain(err) });
    }
  }
  return out;
}
