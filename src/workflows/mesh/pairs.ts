import { CancellationScope, executeChild } from '@temporalio/workflow';
import { childSide } from '../../domain/mesh/topology';
import type { MeshRequest, PlannedPair } from '../../domain/mesh/types';
import { opt } from '../../domain/objects';
import { MESH_ID_TAG } from '../../domain/aws/tags';
import type { PeeringRequest, PeeringResult, TeardownResult } from '../../domain/peering/types';
import { failureType } from '../failures';
import { SetupInterRegionPeering } from '../peering/setup-inter-region-peering';
import { TeardownInterRegionPeering } from '../peering/teardown-inter-region-peering';
import { FailureTypes } from '../../domain/failure-types';

export type MeshVpcs = Record<string, { region: string; vpcId: string; cidrBlock: string }>;

/**
 * Runs `work` over the items, at most `limit` at once. With `stopOnFailure`, the first failure
 * cancels the others (each child then rolls itself back) and no more are started. `stop()` ends
 * the run early without a failure: the items not started are left for the next run.
 */
export async function runBounded<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
  options: { stopOnFailure: boolean; stop?: () => boolean },
): Promise<Array<{ item: T; error: unknown }>> {
  const queue = [...items];
  const failures: Array<{ item: T; error: unknown }> = [];
  const scope = new CancellationScope();
  const lane = async () => {
    while (queue.length && !(options.stopOnFailure && failures.length) && !options.stop?.()) {
      const item = queue.shift()!;
      try {
        await work(item);
      } catch (error) {
        failures.push({ item, error });
        if (options.stopOnFailure) scope.cancel();
      }
    }
  };
  await scope.run(() => Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane)));
  return failures;
}

export function pairLabel(pair: { between: [string, string] }): string {
  return `${pair.between[0]} ↔ ${pair.between[1]}`;
}

/**
 * One pair as a child `SetupInterRegionPeering`: the mesh's two VPCs by id, every other side field
 * passed through, the mesh's rules and tags, and the rule range the plan gave the pair.
 */
export function setupPair(meshId: string, req: MeshRequest, vpcs: MeshVpcs, pair: PlannedPair): Promise<PeeringResult> {
  const [a, b] = pair.between;
  const child: PeeringRequest = {
    requester: childSide(req.vpcs[a]!, vpcs[a]!.vpcId),
    accepter: childSide(req.vpcs[b]!, vpcs[b]!.vpcId),
    allow: req.allow,
    ...opt('dnsResolution', req.dnsResolution),
    tags: { ...req.tags, [MESH_ID_TAG]: meshId },
    ...opt('onFailure', req.onFailure),
    naclRuleBase: pair.naclRuleBase,
  };
  const end = (k: string) => `${k} ${vpcs[k]!.cidrBlock} (${vpcs[k]!.region})`;
  return executeChild(SetupInterRegionPeering, {
    workflowId: pair.setupWorkflowId,
    args: [child],
    staticSummary: `Mesh ${meshId} pair ${end(a)} ↔ ${end(b)}`,
  });
}

/** One pair's teardown as a child run. A pair whose setup never ran has nothing to remove. */
export async function teardownPair(
  meshId: string,
  pair: { between: [string, string]; setupWorkflowId: string },
  workflowId: string,
): Promise<TeardownResult> {
  try {
    return await executeChild(TeardownInterRegionPeering, {
      workflowId,
      args: [{ setupWorkflowId: pair.setupWorkflowId }],
      staticSummary: `Tear down mesh ${meshId} pair ${pairLabel(pair)} (${pair.setupWorkflowId})`,
    });
  } catch (err) {
    if (failureType(err) === FailureTypes.SetupNotFound) return { deleted: [], alreadyGone: [] };
    throw err;
  }
}
