import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { awaitResult, startAndFollow, type ProgressView, type StartSpec } from './follow';
import { EXIT, printJson, webUiLink } from './output';

export interface StartOnceSpec extends StartSpec {
  view: ProgressView;
  /** What is already running, for the message: e.g. "A failover of app.example. us-east-1 → eu-west-1". */
  target?: string;
}

/**
 * Starts under an id derived from what the run acts on. An earlier run under it that has closed
 * gives way to a new run (the id reuse policy ALLOW_DUPLICATE), which finds that run's work and
 * makes nothing new; one still running is said, and followed with --wait, never started twice.
 */
export async function startOnce(spec: StartOnceSpec): Promise<number> {
  try {
    return await startAndFollow(spec);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const handle = spec.client.workflow.getHandle(spec.workflowId);
    const { runId, startTime } = await handle.describe();
    const subject = spec.target
      ? `${spec.target} is already running: ${spec.workflowType} ${spec.workflowId}`
      : `${spec.workflowType} ${spec.workflowId} is already running`;
    console.error(`${subject} (run ${runId}), since ${startTime.toISOString()}; not starting another.`);
    console.error(`Web UI: ${webUiLink(spec.namespace, spec.workflowId)}`);
    if (!spec.wait) {
      console.error(`Follow it: npm run client -- status ${spec.workflowId} --wait`);
      printJson({ workflowId: spec.workflowId, runId, alreadyRunning: true });
      return EXIT.ok;
    }
    console.error('Following that run instead.');
    return awaitResult(handle, { namespace: spec.namespace, workflowType: spec.workflowType, view: spec.view });
  }
}
