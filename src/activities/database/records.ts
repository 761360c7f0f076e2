import type { Client } from '@temporalio/client';
import { DatabaseWorkflows, type ProtectionRecord, type ProtectionRequest } from '../../domain/database/types';
import type { ReprotectRequest } from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import { nonRetryable } from '../aws/errors';
import { readWorkflowStart } from '../history/workflow-start';

export function createProtectionRecords(temporal: Client | undefined) {
  /**
   * A protection's request, read back from its own start event, so that UnprotectDatabase needs
   * nothing but its id; and whether its newest run still runs (an unprotect then would race it).
   */
  async function readProtectionRecord(protectWorkflowId: string): Promise<ProtectionRecord> {
    if (!temporal) throw nonRetryable(FailureTypes.ProtectionNotFound, 'this worker has no Temporal client');
    let running = false;
    let runId: string | undefined;
    try {
      const described = await temporal.workflow.getHandle(protectWorkflowId).describe();
      running = described.status.name === 'RUNNING';
      runId = described.runId;
    } catch (err) {
      if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
    }
    const run = { running, ...(runId ? { runId } : {}) };
    const protect = await readWorkflowStart<ProtectionRequest>(
      temporal,
      protectWorkflowId,
      DatabaseWorkflows.ProtectDatabase,
    );
    if (typeof protect !== 'string') return { ...run, workflowType: 'ProtectDatabase', request: protect.input };
    const reprotect = await readWorkflowStart<ReprotectRequest>(
      temporal,
      protectWorkflowId,
      DatabaseWorkflows.ReprotectDatabase,
    );
    if (typeof reprotect !== 'string') return { ...run, workflowType: 'ReprotectDatabase', request: reprotect.input };
    throw nonRetryable(
      FailureTypes.ProtectionNotFound,
      protect === 'missing'
        ? `no protection workflow with id ${protectWorkflowId} (or its history is past the namespace's retention)`
        : `${protectWorkflowId} is neither a ProtectDatabase nor a ReprotectDatabase run`,
    );
  }

  return { readProtectionRecord };
}
