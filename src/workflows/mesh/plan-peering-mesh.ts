import { setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import { meshSummary } from '../../domain/mesh/topology';
import type { MeshPlan, MeshRequest } from '../../domain/mesh/types';
import { validateMeshRequest } from '../../domain/mesh/validate';
import { invalidInput } from '../failures';
import { planMeshNow } from './calls';
import { FailureTypes } from '../../domain/failure-types';

/**
 * Plans a mesh and changes nothing: reads what AWS holds and the account's quotas, and returns the
 * pairs, their rule ranges and every quota figure. A plan past a quota is returned, not thrown,
 * with its `violations` listed, so that `mesh plan` can show all of them. `meshWorkflowId` names
 * the mesh to plan for (its earlier pairs count as there); the plan's own id by default.
 */
export async function PlanPeeringMesh(request: MeshRequest, meshWorkflowId?: string): Promise<MeshPlan> {
  const checked = validateMeshRequest(request);
  if (!checked.ok) throw invalidInput(FailureTypes.InvalidMeshRequest, checked.error);
  const meshId = meshWorkflowId ?? workflowInfo().workflowId;
  setCurrentDetails(`**Plan only** for ${meshSummary(meshId, checked.value)}; nothing is changed`);
  return planMeshNow(meshId, checked.value);
}
