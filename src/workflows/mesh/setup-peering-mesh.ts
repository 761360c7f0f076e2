import { continueAsNew, defineQuery, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { meshSummary } from '../../domain/mesh/topology';
import { inAccount, type ResourceRef } from '../../domain/aws/resource-ref';
import type { MeshPlan, MeshProgress, MeshRequest, MeshResult } from '../../domain/mesh/types';
import { validateMeshRequest } from '../../domain/mesh/validate';
import { invalidInput } from '../failures';
import { ensureMeshVpc, planMeshNow } from './calls';
import { pairLabel, runBounded, setupPair, type MeshVpcs } from './pairs';
import { meshFailure, quotaFailure, type MeshContext } from './rollback';
import { FailureTypes } from '../../domain/failure-types';

export const meshProgressQuery = defineQuery<MeshProgress>('progress');

/** What a run hands to the next when it continues as new: the plan, and what the mesh made so far. */
export interface MeshCarry {
  plan: MeshPlan;
  vpcs: MeshVpcs;
  created: ResourceRef[];
  madeKeys: string[];
  done: MeshContext['done'];
}

const DEFAULT_PAIRS_PER_RUN = 100;

/**
 * Peers many VPCs: plans the mesh against the quotas before any change, creates the VPCs it is
 * given by CIDR, then sets up each pair as a child `SetupInterRegionPeering`, a few at once. Run
 * again with the same id and more VPCs, it adds only the new VPCs and pairs. On failure or
 * cancellation everything it made is removed again. After `pairsPerRun` pairs (or when Temporal
 * suggests it) it continues as new, so its history stays bounded however large the mesh.
 */
export async function SetupPeeringMesh(request: MeshRequest, carried?: MeshCarry): Promise<MeshResult> {
  const checked = validateMeshRequest(request);
  if (!checked.ok) throw invalidInput(FailureTypes.InvalidMeshRequest, checked.error);
  const req = checked.value;
  const meshId = workflowInfo().workflowId;
  const progress: MeshProgress = { step: carried ? 'pairs' : 'plan', pairsDone: 0, pairsTotal: 0, running: [] };
  setHandler(meshProgressQuery, () => progress);
  const ctx: MeshContext = {
    meshId,
    req,
    progress,
    created: [...(carried?.created ?? [])],
    madeKeys: [...(carried?.madeKeys ?? [])],
    done: [...(carried?.done ?? [])],
    started: (carried?.done ?? []).map((d) => ({ between: d.between, setupWorkflowId: d.setupWorkflowId })),
  };
  const show = (line: string) => setCurrentDetails(`**${meshSummary(meshId, req)}**\n\n${line}`);

  // Nothing has been changed until this flips; bad input found before it needs no rollback.
  let mutating = carried !== undefined;
  let next: MeshCarry | undefined;
  try {
    show('Planning against the quotas');
    const plan = carried?.plan ?? (await planMeshNow(meshId, req));
    if (plan.violations.length) throw quotaFailure(plan);
    progress.pairsTotal = plan.pairs.length;
    const doneIds = new Set(ctx.done.map((d) => d.setupWorkflowId));
    progress.pairsDone = plan.pairs.filter((p) => p.alreadyThere).length + doneIds.size;

    let vpcs = carried?.vpcs;
    if (!vpcs) {
      progress.step = 'vpcs';
      const toMake = plan.vpcs.filter((v) => v.create);
      show(`Creating ${toMake.length} VPC(s)`);
      ctx.madeKeys = toMake.map((v) => v.key);
      mutating = toMake.length > 0;
      const made: MeshVpcs = {};
      const failures = await runBounded(
        toMake,
        req.maxConcurrent ?? 4,
        async (v) => {
          const out = await ensureMeshVpc(meshId, req, v.key);
          ctx.created.push(...inAccount(out.created, out.vpc.ownerId));
          made[v.key] = { region: v.region, vpcId: out.vpc.vpcId, cidrBlock: v.cidrBlock };
        },
        { stopOnFailure: true },
      );
      if (failures.length) throw failures[0]!.error;
      vpcs = Object.fromEntries(
        plan.vpcs.map((v) => [v.key, made[v.key] ?? { region: v.region, vpcId: v.vpcId!, cidrBlock: v.cidrBlock }]),
      );
    }

    progress.step = 'pairs';
    const todo = plan.pairs.filter((p) => !p.alreadyThere && !doneIds.has(p.setupWorkflowId));
    const perRun = req.pairsPerRun ?? DEFAULT_PAIRS_PER_RUN;
    let startedHere = 0;
    show(`Pairs: ${progress.pairsDone}/${progress.pairsTotal} done`);
    const failures = await runBounded(
      todo,
      req.maxConcurrent ?? 4,
      async (pair) => {
        startedHere++;
        mutating = true;
        ctx.started.push({ between: pair.between, setupWorkflowId: pair.setupWorkflowId });
        progress.running.push(pair.setupWorkflowId);
        try {
          const result = await setupPair(meshId, req, vpcs, pair);
          const { between, setupWorkflowId } = pair;
          ctx.done.push({
            between,
            setupWorkflowId,
            peeringConnectionId: result.peeringConnectionId,
            alreadyThere: false,
          });
          progress.pairsDone++;
          show(`Pairs: ${progress.pairsDone}/${progress.pairsTotal} done; last ${pairLabel(pair)}`);
        } finally {
          progress.running = progress.running.filter((id) => id !== pair.setupWorkflowId);
        }
      },
      { stopOnFailure: true, stop: () => startedHere >= perRun || workflowInfo().continueAsNewSuggested },
    );
    if (failures.length) {
      ctx.failedPair = pairLabel(failures[0]!.item);
      throw failures[0]!.error;
    }
    if (ctx.done.length < todo.length + doneIds.size) {
      next = { plan, vpcs, created: ctx.created, madeKeys: ctx.madeKeys, done: ctx.done };
    } else {
      progress.step = 'done';
      show(
        `**Done:** ${progress.pairsTotal} peerings, ${ctx.created.filter((r) => r.type === 'vpc').length} VPC(s) created`,
      );
      return meshResult(plan, vpcs, ctx);
    }
  } catch (err) {
    throw await meshFailure(err, ctx, mutating);
  }
  show(`Continuing as new after ${ctx.done.length} pair(s), to keep the history short`);
  return continueAsNew<typeof SetupPeeringMesh>(request, next);
}

function meshResult(plan: MeshPlan, vpcs: MeshVpcs, ctx: MeshContext): MeshResult {
  return {
    vpcs,
    peerings: plan.pairs.map(
      (p) =>
        ctx.done.find((d) => d.setupWorkflowId === p.setupWorkflowId) ?? {
          between: p.between,
          peeringConnectionId: p.peeringConnectionId!,
          setupWorkflowId: p.setupWorkflowId,
          alreadyThere: true,
        },
    ),
    plan,
    created: ctx.created,
    alreadyThere: {
      vpcs: plan.vpcs.filter((v) => !v.create).map((v) => v.key),
      peerings: plan.pairs.filter((p) => p.alreadyThere).map((p) => p.setupWorkflowId),
    },
  };
}
