import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { MeshRequest } from '../domain/mesh-types';
import { FailureTypes, nonRetryable } from './errors';

const GRPC_NOT_FOUND = 5;

export function createMeshLookupActivities(temporal: Client | undefined) {
  /**
   * A mesh's request as its latest run recorded it (a run continued as new carries the same
   * request), so a teardown needs nothing but the mesh id. A mesh still running is refused: it
   * would go on creating what the teardown removes.
   */
  async function readMeshRequest(meshWorkflowId: string): Promise<MeshRequest> {
    if (!temporal)
      throw nonRetryable(FailureTypes.MeshNotFound, 'this worker has no Temporal client to look up meshes');
    const handle = temporal.workflow.getHandle(meshWorkflowId);
    let history;
    let status;
    try {
      [status, history] = await Promise.all([handle.describe().then((d) => d.status.name), handle.fetchHistory()]);
    } catch (err) {
      if ((err as Error).name === 'WorkflowNotFoundError' || (err as { code?: number }).code === GRPC_NOT_FOUND) {
        throw nonRetryable(FailureTypes.MeshNotFound, `no mesh workflow with id ${meshWorkflowId}`);
      }
      throw err;
    }
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payload = started?.input?.payloads?.[0];
    if (started?.workflowType?.name !== 'SetupPeeringMesh' || !payload) {
      throw nonRetryable(FailureTypes.MeshNotFound, `${meshWorkflowId} is not a SetupPeeringMesh run`);
    }
    if (status === 'RUNNING') {
      throw nonRetryable(
        FailureTypes.MeshStillRunning,
        `mesh ${meshWorkflowId} is still running; cancel it first (its rollback removes what it made)`,
      );
    }
    return defaultPayloadConverter.fromPayload<MeshRequest>(payload);
  }

  return { readMeshRequest };
}
