import type { MeshRequest } from '../../domain/mesh/types';
import { deletionOrder, type ResourceRef } from '../../domain/aws/resource-ref';
import { explain } from '../failures';
import { findMeshVpcs, meshSides } from './calls';
import { pairLabel, runBounded, teardownPair } from './pairs';
import { removeResources, type RemovalReport } from '../peering/removal';

export interface PairRemoval {
  deleted: ResourceRef[];
  alreadyGone: ResourceRef[];
  failed: Array<{ pair: string; error: string }>;
}

/**
 * The pairs' own teardowns, as child runs, at most `limit` at once. One that fails does not stop
 * the others; it is reported, and the mesh's VPCs are still tried after.
 */
export async function teardownPairs(
  meshId: string,
  pairs: Array<{ between: [string, string]; setupWorkflowId: string }>,
  teardownId: (pair: { between: [string, string]; setupWorkflowId: string }) => string,
  limit: number,
  onDone: () => void = () => undefined,
): Promise<PairRemoval> {
  const out: PairRemoval = { deleted: [], alreadyGone: [], failed: [] };
  const failures = await runBounded(
    pairs,
    limit,
    async (pair) => {
      const result = await teardownPair(meshId, pair, teardownId(pair));
      out.deleted.push(...result.deleted);
      out.alreadyGone.push(...result.alreadyGone);
      onDone();
    },
    { stopOnFailure: false },
  );
  out.failed = failures.map((f) => ({ pair: pairLabel(f.item), error: explain(f.error) }));
  return out;
}

/**
 * Removes the VPCs (and subnets) the mesh made: those of its ledger, and those found by its tags,
 * which includes any a lost response made. `keys` limits the tag search to one run's VPCs.
 */
export async function removeMeshVpcs(
  meshId: string,
  req: MeshRequest,
  ledger: ResourceRef[],
  keys?: string[],
): Promise<RemovalReport> {
  let found: ResourceRef[] = [];
  let inventoryError: string | undefined;
  try {
    found = keys?.length === 0 ? [] : await findMeshVpcs(meshId, req, keys);
  } catch (err) {
    inventoryError = explain(err);
  }
  const removal = await removeResources(deletionOrder([...ledger].reverse(), found), meshSides(meshId, req));
  if (inventoryError) {
    const region = Object.values(req.vpcs)[0]!.region;
    removal.failed.push({ ref: { type: 'vpc', region, id: '(tag search)' }, error: inventoryError });
  }
  return removal;
}

export function summarizePairs(r: PairRemoval): string {
  const failed = r.failed.length
    ? `, FAILED for ${r.failed.length} pair(s): ${r.failed.map((f) => `${f.pair} (${f.error})`).join('; ')}`
    : '';
  return `pairs: deleted ${r.deleted.length}, ${r.alreadyGone.length} already gone${failed}`;
}
