import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';

const GRPC_NOT_FOUND = 5;

export type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;

/**
 * A run's history and its first input, as Temporal recorded them (the latest run of the id, or
 * `runId`), so nothing outside Temporal has to keep a record. `'missing'` when there is no such run
 * (or its history is past retention), `'other-type'` when it is not a `workflowType` run.
 */
export async function readWorkflowStart<T>(
  temporal: Client,
  workflowId: string,
  workflowType: string,
  runId?: string,
): Promise<{ history: History; input: T } | 'missing' | 'other-type'> {
  let history: History;
  try {
    history = await temporal.workflow.getHandle(workflowId, runId).fetchHistory();
  } catch (err) {
    // fetchHistory passes the raw gRPC error through: NOT_FOUND rather than WorkflowNotFoundError.
    if ((err as Error).name === 'WorkflowNotFoundError' || (err as { code?: number }).code === GRPC_NOT_FOUND) {
      return 'missing';
    }
    throw err;
  }
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  if (started?.workflowType?.name !== workflowType || !payload) return 'other-type';
  return { history, input: defaultPayloadConverter.fromPayload<T>(payload) };
}

/** The other runs of a workflow id, newest first, as visibility lists them. */
export async function otherRuns(temporal: Client, workflowId: string, exceptRunId?: string): Promise<string[]> {
  const runs: Array<{ runId: string; start: number }> = [];
  const query = `WorkflowId = '${workflowId.replace(/'/g, "\\'")}'`;
  for await (const run of temporal.workflow.list({ query })) {
    if (run.runId !== exceptRunId) runs.push({ runId: run.runId, start: run.startTime.getTime() });
  }
  return runs.sort((a, b) => b.start - a.start).map((r) => r.runId);
}
