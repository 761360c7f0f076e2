import { ApplicationFailure, defineQuery, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { meshPairs, pairSetupId } from '../../domain/mesh/topology';
import type { MeshTeardownProgress, MeshTeardownRequest } from '../../domain/mesh/types';
import type { TeardownResult } from '../../domain/peering/types';
import { readMeshRequest } from './calls';
import { removeMeshVpcs, summarizePairs, teardownPairs } from './removal';
import { summarizeRemoval } from '../peering/removal';
import { FailureTypes } from '../../domain/failure-types';

export const meshTeardownProgressQuery = defineQuery<MeshTeardownProgress>('progress');

function checkRequest(request: MeshTeardownRequest): void {
  const r = request as unknown as Partial<Record<string, unknown>> | null;
  if (typeof r !== 'object' || r === null || typeof r.meshWorkflowId !== 'string' || !r.meshWorkflowId) {
    throw ApplicationFailure.create({
      type: FailureTypes.InvalidMeshRequest,
      message: 'meshWorkflowId: must be the non-empty workflow id of a SetupPeeringMesh run',
      nonRetryable: true,
      details: [{ field: 'meshWorkflowId', reason: 'must be a non-empty string' }],
    });
  }
}

/**
 * Removes a mesh: every pair by its own teardown (a few at once), then the VPCs the mesh made.
 * Existing VPCs are left as they were. A second run finds nothing and deletes nothing.
 */
export async function TeardownPeeringMesh(request: MeshTeardownRequest): Promise<TeardownResult> {
  checkRequest(request);
  const meshId = request.meshWorkflowId;
  const progress: MeshTeardownProgress = { step: 'locate', pairsDone: 0, pairsTotal: 0 };
  setHandler(meshTeardownProgressQuery, () => progress);
  setCurrentDetails(`**Tearing down** mesh ${meshId}`);

  const req = await readMeshRequest(meshId);
  const pairs = meshPairs(Object.keys(req.vpcs), req.topology).map((between) => ({
    between,
    setupWorkflowId: pairSetupId(meshId, between),
  }));
  progress.step = 'pairs';
  progress.pairsTotal = pairs.length;
  const own = workflowInfo().workflowId;
  const removed = await teardownPairs(
    meshId,
    pairs,
    (p) => pairSetupId(own, p.between),
    req.maxConcurrent ?? 4,
    () => {
      progress.pairsDone++;
      setCurrentDetails(`**Tearing down** mesh ${meshId}: ${progress.pairsDone}/${pairs.length} pairs done`);
    },
  );
  progress.step = 'vpcs';
  const vpcs = await removeMeshVpcs(meshId, req, []);
  progress.step = 'done';
  const summary = `${summarizePairs(removed)}; VPCs: ${summarizeRemoval(vpcs)}`;
  setCurrentDetails(`**Done:** ${summary}`);
  if (removed.failed.length || vpcs.failed.length) {
    throw ApplicationFailure.create({
      type: FailureTypes.TeardownIncomplete,
      message: `Mesh teardown ${summary}. Run it again once the cause is fixed; it resumes where it stopped.`,
      nonRetryable: true,
      details: [{ pairs: removed, vpcs }],
    });
  }
  return {
    deleted: [...removed.deleted, ...vpcs.deleted],
    alreadyGone: [...removed.alreadyGone, ...vpcs.alreadyGone],
  };
}
