/**
 * The chaos run's workflows as the client sees them while the worker is killed and the server
 * restarted: starts retried until the deadline, and closes polled until they happen, are lost
 * (the server denies knowing the workflow) or are stuck (the deadline passed).
 */
import { type Client, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { type RunStatus, type WorkflowOutcome } from './report';

const POLL_MS = 2_000;
const PEERING_WAITS = new Set(['establishPeering', 'acceptPeering', 'waitPeeringActive']);
/** temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED: running on a worker. */
const ACTIVITY_STARTED = 2;
/** A workflow the server denies knowing for this long after a restart is lost. */
const LOST_AFTER_MS = 60_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function failureChain(err: unknown): string {
  const lines: string[] = [];
  let cur: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  while (cur instanceof Error && lines.length < 5) {
    const type = (cur as { type?: string }).type;
    lines.push(`${type ? `${type}: ` : ''}${cur.message}`);
    cur = (cur as { cause?: unknown }).cause;
  }
  return lines.join('\n  caused by ');
}

export interface TrackerOptions {
  taskQueue: string;
  /** Epoch ms after which starts give up and open workflows are reported stuck. */
  deadline: number;
  timeoutSeconds: number;
  log: (line: string) => void;
}

export class WorkflowTracker {
  /** Workflows closed so far; the server restarts are spread over this count. */
  closed = 0;
  private readonly open = new Set<string>();

  constructor(
    private readonly client: Client,
    private readonly o: TrackerOptions,
  ) {}

  /** False when the deadline passed before the server took the start. */
  async start(type: string, workflowId: string, args: unknown[]): Promise<boolean> {
    const { taskQueue } = this.o;
    for (;;) {
      try {
        await this.client.workflow.start(type, { taskQueue, workflowId, args, staticSummary: `chaos ${type}` });
        return true;
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return true; // the answer to an earlier try was lost
        if (Date.now() > this.o.deadline) return false;
        this.o.log(`start ${workflowId} failed (${(err as Error).message.split('\n')[0]}); retrying`);
        await sleep(POLL_MS);
      }
    }
  }

  async awaitClose(workflowId: string, since: number): Promise<WorkflowOutcome> {
    const handle = this.client.workflow.getHandle(workflowId);
    let notFoundSince: number | undefined;
    this.open.add(workflowId);
    const outcome = (status: RunStatus, extra: Partial<WorkflowOutcome> = {}): WorkflowOutcome => ({
      workflowId,
      status,
      seconds: Math.round((Date.now() - since) / 1000),
      ...extra,
    });
    for (;;) {
      try {
        const { status } = await handle.describe();
        notFoundSince = undefined;
        if (status.name !== 'RUNNING' && status.name !== 'UNSPECIFIED' && status.name !== 'UNKNOWN') {
          this.closed++;
          this.open.delete(workflowId);
          try {
            return outcome(status.name as RunStatus, { result: await handle.result() });
          } catch (err) {
            return outcome(status.name as RunStatus, { error: failureChain(err) });
          }
        }
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          notFoundSince ??= Date.now();
          if (Date.now() - notFoundSince > LOST_AFTER_MS) {
            this.open.delete(workflowId);
            return outcome('LOST', { error: 'the server no longer knows this workflow' });
          }
        }
      }
      if (Date.now() > this.o.deadline) {
        this.open.delete(workflowId);
        return outcome('STUCK', { error: `still open after ${this.o.timeoutSeconds} s` });
      }
      await sleep(POLL_MS);
    }
  }

  /** The types of the activities running on the worker now, in the open workflows whose id starts with `idPrefix`. */
  async runningActivities(idPrefix = ''): Promise<string[]> {
    const open = [...this.open].filter((id) => id.startsWith(idPrefix));
    const pending = await Promise.all(
      open.map((id) =>
        this.client.workflow
          .getHandle(id)
          .describe()
          .then(
            (d) => d.raw.pendingActivities ?? [],
            () => [],
          ),
      ),
    );
    return pending
      .flat()
      .filter((a) => Number(a.state) === ACTIVITY_STARTED)
      .map((a) => a.activityType?.name ?? '');
  }

  /** True when every activity running on the worker is a heartbeating peering wait (and there is one). */
  async onlyPeeringWaitsRunning(): Promise<boolean> {
    const running = await this.runningActivities();
    return running.length > 0 && running.every((name) => PEERING_WAITS.has(name));
  }
}
