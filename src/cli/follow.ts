import { type Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { writeFileSync } from 'node:fs';
import { EXIT, printJson, webUiLink } from './output';

export interface StartSpec {
  client: Client;
  namespace: string;
  taskQueue: string;
  workflowType: string;
  workflowId: string;
  args: unknown[];
  summary: string;
  wait: boolean;
  jsonOut?: string;
  /** One line describing the run's progress query answer. */
  render?: (progress: Record<string, unknown>) => string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function elapsed(start: number): string {
  const s = Math.round((Date.now() - start) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Prints a line each time the progress query's answer changes, until the run ends. */
async function followProgress(handle: WorkflowHandle, render: NonNullable<StartSpec['render']>, done: () => boolean): Promise<void> {
  const start = Date.now();
  let last = '';
  while (!done()) {
    try {
      const line = render(await handle.query<Record<string, unknown>>('progress'));
      if (line !== last) {
        console.error(`[${elapsed(start)}] ${line}`);
        last = line;
      }
    } catch {
      // No worker has answered yet, or the run just closed: try again.
    }
    await sleep(1000);
  }
}

/** Why a run failed, from the failure chain, in one line per cause. */
export function explainFailure(err: unknown): string {
  const lines: string[] = [];
  let cur: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  while (cur instanceof Error && lines.length < 4) {
    const type = cur instanceof ApplicationFailure && cur.type ? `${cur.type}: ` : '';
    lines.push(`${type}${cur.message}`);
    cur = (cur as Error & { cause?: unknown }).cause;
  }
  return lines.join('\n  caused by ');
}

/** Starts a workflow, prints where to watch it, and with --wait follows it to the end. */
export async function startAndFollow(spec: StartSpec): Promise<number> {
  const handle = await spec.client.workflow.start(spec.workflowType, {
    taskQueue: spec.taskQueue,
    workflowId: spec.workflowId,
    args: spec.args,
    staticSummary: spec.summary,
  });
  console.error(`Started ${spec.workflowType} ${handle.workflowId}`);
  console.error(`Web UI: ${webUiLink(spec.namespace, handle.workflowId)}`);
  if (!spec.wait) {
    printJson({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
    return EXIT.ok;
  }
  return awaitResult(handle, spec);
}

export async function awaitResult(handle: WorkflowHandle, spec: Pick<StartSpec, 'render' | 'jsonOut' | 'namespace'>): Promise<number> {
  let finished = false;
  const follower = spec.render ? followProgress(handle, spec.render, () => finished) : Promise.resolve();
  try {
    const result: unknown = await handle.result();
    finished = true;
    await follower;
    if (spec.jsonOut) writeFileSync(spec.jsonOut, JSON.stringify({ workflowId: handle.workflowId, result }, null, 2));
    printJson(result);
    return EXIT.ok;
  } catch (err) {
    finished = true;
    await follower;
    console.error(`Run ${handle.workflowId} failed:\n  ${explainFailure(err)}`);
    console.error(`Web UI: ${webUiLink(spec.namespace, handle.workflowId)}`);
    if (spec.jsonOut) writeFileSync(spec.jsonOut, JSON.stringify({ workflowId: handle.workflowId, error: explainFailure(err) }, null, 2));
    return EXIT.failed;
  }
}
