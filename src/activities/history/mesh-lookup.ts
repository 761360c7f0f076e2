import type { Client } from '@temporalio/client';
import type { MeshRequest } from '../../domain/mesh/types';
import { nonRetryable } from '../aws/errors';
import { readWorkflowStart } from './workflow-start';
import { FailureTypes } from '../../domain/failure-types';
import { MeshWorkflows } from '../../domain/mesh/types';

export function createMeshLookupActivities(temporal: Client | undefined) {
  /**
   * A mesh's request as its latest run recorded it (a run continued as new carries the same
   * request), so a teardown needs nothing but the mesh id. A mesh still running is refused: it
   * would go on creating what the teardown removes.
   */
  async function readMeshRequest(meshWorkflowId: string): Promise<MeshRequest> {
    if (!temporal)
      throw nonRetryable(FailureTypes.MeshNotFound, 'this worker has no Temporal client to look up meshes');
    const start = await readWorkflowStart<MeshRequest>(temporal, meshWorkflowId, MeshWorkflows.SetupPeeringMesh);
    if (start === 'missing')
      throw nonRetryable(FailureTypes.MeshNotFound, `no mesh workflow with id ${meshWorkflowId}`);
    if (start === 'other-type') {
      throw nonRetryable(FailureTypes.MeshNotFound, `${meshWorkflowId} is not a SetupPeeringMesh run`);
    }
    const { status } = await temporal.workflow.getHandle(meshWorkflowId).describe();
    if (status.name === 'RUNNING') {
      throw nonRetryable(
        FailureTypes.MeshStillRunning,
        `mesh ${meshWorkflowId} is still running; cancel it first (its rollback removes what it made)`,
      );
    }
    return start.input;
  }

  return { readMeshRequest };
}
