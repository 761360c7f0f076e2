import { type Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { writeFileSync } from 'node:fs';
import {
  color,
  DefaultRenderer,
  Listr,
  ListrLogger,
  ListrLogLevels,
  PRESET_TIMER,
  ProcessOutput,
  SimpleRenderer,
  type ListrDefaultRendererLogLevels,
  type ListrTask,
  type ListrTaskWrapper,
} from 'listr2';
import { EXIT, printJson, webUiLink } from './output';
import { plannedTasks } from './plan-tasks';
import { formatElapsed, POLL_MS, RunTracker, sleep, type ProgressView } from './run-tracker';

export { formatElapsed, type PlannedStepState, type ProgressView, type RunProgress } from './run-tracker';

export interface StartSpec {
  client: Client;
  namespace: string;
  taskQueue: string;
  workflowType: string;
  workflowId: string;
  args: unknown[];
  /** The run's `staticSummary` in the Web UI. */
  summary: string;
  wait: boolean;
  jsonOut?: string;
  /** Step-by-step progress with --wait. */
  view?: ProgressView;
}

export interface FollowOptions {
  namespace: string;
  /** Shown in the progress header and the summary line. @default "Run" */
  workflowType?: string;
  jsonOut?: string;
  view?: ProgressView;
}

/** Why a run failed, from the failure chain, in one line per cause. */
export function explainFailure(err: unknown): string {
  const lines: string[] = [];
  let cur: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  while (cur instanceof Error && lines.length < 4) {
    const type = cur instanceof ApplicationFailure && cur.type ? `${cur.type}: ` : '';
    lines.push(cur instanceof ActivityFailure ? `activity ${cur.activityType} failed` : `${type}${cur.message}`);
    cur = (cur as Error & { cause?: unknown }).cause;
  }
  return lines.join('\n  caused by ');
}

/** The innermost failure's type, e.g. `InvalidPeeringRequest` or `SetupFailed`. */
export function failureType(err: unknown): string {
  let cur: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  let type = cur instanceof Error ? cur.name : 'Error';
  while (cur instanceof Error) {
    if (cur instanceof ApplicationFailure && cur.type) type = cur.type;
    cur = (cur as Error & { cause?: unknown }).cause;
  }
  return type;
}

/** The run's own input was wrong (a non-retryable Invalid…Request): exit 2, like bad flags. */
function isBadInput(err: unknown): boolean {
  const top = err instanceof WorkflowFailedError ? err.cause : err;
  return top instanceof ApplicationFailure && /^Invalid\w*Request$/.test(top.type ?? '');
}

/** stdout carries the JSON result, so progress is drawn on stderr whenever stderr is a terminal. */
class StderrRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

function stepTask(tracker: RunTracker, view: ProgressView, index: number, tty: boolean): ListrTask {
  const name = view.steps[index] ?? 'running';
  return {
    title: name,
    task: async (_ctx, task: ListrTaskWrapper<unknown, typeof StderrRenderer, typeof SimpleRenderer>) => {
      let shown = '';
      for (;;) {
        if (tracker.outcome?.ok === false) throw new Error(failureType(tracker.outcome.error));
        if (tracker.at > index || (view.steps.length === 0 && tracker.outcome?.ok)) return;
        const p = tracker.progress;
        if (p && (tracker.at === index || view.steps.length === 0)) {
          if (view.steps.length === 0 && tty) task.title = p.step;
          const line = p.detail ?? (p.resources ? `${p.resources} resource(s) so far` : '');
          if (line && line !== shown) {
            task.output = line;
            shown = line;
          }
        }
        await sleep(POLL_MS / 2);
      }
    },
  };
}

/**
 * Shows the run's steps live until it ends: a spinner per step with its duration on a terminal,
 * plain timestamped lines otherwise (CI logs, pipes). Resolves with the outcome; never throws for a
 * failed run.
 */
async function followRun(handle: WorkflowHandle, workflowType: string, view: ProgressView): Promise<RunTracker> {
  const tracker = new RunTracker(handle, view);
  const tty = process.stderr.isTTY === true;
  const output = new ProcessOutput(process.stderr, process.stderr);
  const toStderr = Object.values(ListrLogLevels);
  // Plain lines carry the run's elapsed time, so a CI log shows where the time went.
  const elapsedField = { field: () => tracker.elapsed(), format: () => (text?: string) => color.dim(text ?? '') };
  const logger = new ListrLogger<ListrLogLevels>({
    useIcons: true,
    processOutput: output,
    toStderr,
    fields: { prefix: [elapsedField], suffix: [] },
  });
  const ttyLogger = new ListrLogger<ListrDefaultRendererLogLevels>({ useIcons: true, processOutput: output, toStderr });
  // On a terminal the header ticks; plain lines have the elapsed time in front instead.
  const header = () => {
    const outcome = tracker.outcome;
    const fromResult = outcome?.ok && view.resultResources ? view.resultResources(outcome.result) : 0;
    const made = Math.max(tracker.progress?.resources ?? 0, fromResult);
    return tty
      ? `${workflowType} ${handle.workflowId} · ${tracker.elapsed()}${made ? ` · ${made} resource(s)` : ''}`
      : `${workflowType} ${handle.workflowId}`;
  };
  const tracking = tracker.run();
  // A run that plans its own steps (FailoverToRegion) shows those; older runs, the view's list.
  await tracker.firstAnswer();
  const plan = tracker.raw && view.plan?.(tracker.raw);
  const steps = plan
    ? plannedTasks(tracker, view, plan)
    : view.steps.length
      ? view.steps.map((_, i) => stepTask(tracker, view, i, tty))
      : [stepTask(tracker, view, 0, tty)];
  const list = new Listr(
    [
      {
        title: header(),
        task: (_ctx, task) => {
          if (tty) {
            const ticker = setInterval(() => {
              task.title = header();
            }, 1000);
            // A run shorter than a tick still ends with its final count in the header.
            tracker.onEnd.push(() => {
              clearInterval(ticker);
              task.title = header();
            });
          }
          // Returned, not run: listr2 then draws the steps as this task's subtasks.
          return task.newListr(steps, { concurrent: false, exitOnError: true });
        },
      },
    ],
    {
      renderer: StderrRenderer,
      rendererOptions: { logger: ttyLogger, timer: PRESET_TIMER, collapseSubtasks: false },
      fallbackRenderer: SimpleRenderer,
      fallbackRendererOptions: { logger, timer: PRESET_TIMER },
      fallbackRendererCondition: !tty,
      exitOnError: true,
    },
  );
  await Promise.all([tracking, list.run().catch(() => undefined)]);
  return tracker;
}

/** Starts a workflow, prints where to watch it, and with --wait follows it to the end. */
export async function startAndFollow(spec: StartSpec): Promise<number> {
  const handle = await spec.client.workflow.start(spec.workflowType, {
    taskQueue: spec.taskQueue,
    workflowId: spec.workflowId,
    args: spec.args,
    staticSummary: spec.summary,
    // Said although it is the default: the CLI's ids name a target, so a closed run under one gives way to a new one.
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
  console.error(`Started ${spec.workflowType} ${handle.workflowId}: ${spec.summary}`);
  console.error(`Web UI: ${webUiLink(spec.namespace, handle.workflowId)}`);
  if (!spec.wait) {
    printJson({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
    return EXIT.ok;
  }
  return awaitResult(handle, spec);
}

/** Follows a started run to its end: exit 0 with the result as JSON, or 1 with the reason. */
export async function awaitResult(handle: WorkflowHandle, options: FollowOptions): Promise<number> {
  const workflowType = options.workflowType ?? 'Run';
  const view = options.view;
  const started = Date.now();
  let outcome: RunTracker['outcome'];
  if (view) {
    outcome = (await followRun(handle, workflowType, view)).outcome;
  } else {
    outcome = await handle.result().then(
      (result: unknown) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  }
  const took = formatElapsed(Date.now() - started);
  if (outcome?.ok) {
    console.error(
      `✔ ${workflowType} ${handle.workflowId} completed in ${took}: ${view?.summarize(outcome.result) ?? 'done'}`,
    );
    if (options.jsonOut)
      writeFileSync(
        options.jsonOut,
        JSON.stringify({ workflowId: handle.workflowId, result: outcome.result }, null, 2),
      );
    printJson(outcome.result);
    return EXIT.ok;
  }
  const reason = explainFailure(outcome?.error);
  console.error(`✖ ${workflowType} ${handle.workflowId} failed after ${took}:\n  ${reason}`);
  console.error(`Web UI: ${webUiLink(options.namespace, handle.workflowId)}`);
  if (options.jsonOut)
    writeFileSync(options.jsonOut, JSON.stringify({ workflowId: handle.workflowId, error: reason }, null, 2));
  return isBadInput(outcome?.error) ? EXIT.badInput : EXIT.failed;
}
