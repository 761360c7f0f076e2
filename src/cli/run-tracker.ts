import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';

/** Where a run is, read from its `progress` query. */
export interface RunProgress {
  step: string;
  /** Resources made (or found, for a teardown) so far. */
  resources: number;
  /** One more line for the current step, e.g. what a rollback is doing. */
  detail?: string;
}

/** How the CLI shows one workflow type while it runs and once it ends. */
export interface ProgressView {
  /** The workflow's steps in order, as its `progress` query names them. */
  steps: readonly string[];
  read(progress: Record<string, unknown>): RunProgress;
  /** The result in a line or two, printed before the JSON. */
  summarize(result: unknown): string;
  /** Resources the finished run reports, for the final header when the last poll came too late. */
  resultResources?(result: unknown): number;
  /**
   * The steps as the run itself plans them, from its progress: groups of steps that run at the
   * same time. When a run answers one, its steps are shown instead of `steps`, each as it goes.
   */
  plan?(progress: Record<string, unknown>): string[][] | undefined;
  /** Where one planned step is, from the progress (and `heartbeatsOf`'s details). Needed with `plan`. */
  stepState?(progress: Record<string, unknown>, step: string, heartbeats: Heartbeats): PlannedStepState;
  /**
   * Activities whose last heartbeat to show now, by type: a long wait that reports what it sees only
   * in its heartbeats (the recovery wait's signal readings). Read with describe(), every few seconds.
   */
  heartbeatsOf?(progress: Record<string, unknown>): readonly string[];
}

export interface PlannedStepState {
  state: 'pending' | 'running' | 'ok' | 'skipped' | 'failed';
  /** What the step did or is doing, one line. */
  detail?: string;
}

/** The last heartbeat details of each running activity asked for, by activity type. */
export type Heartbeats = Record<string, unknown>;

export const POLL_MS = 500;
const HEARTBEAT_POLL_MS = 2_000;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Polls the run's progress query and waits for its result; the step tasks read this. */
export class RunTracker {
  readonly started = Date.now();
  progress?: RunProgress;
  /** The progress query's last answer as the run gave it, for views that read its plan. */
  raw?: Record<string, unknown>;
  /** Index of the step the run is in; steps.length once done. Never moves back (rollback keeps it). */
  at = -1;
  outcome?: { ok: true; result: unknown } | { ok: false; error: unknown };
  /** Called as soon as the outcome is known, before the step tasks notice it. */
  readonly onEnd: Array<() => void> = [];
  heartbeats: Heartbeats = {};
  private heartbeatsReadAt = 0;

  constructor(
    private readonly handle: WorkflowHandle,
    private readonly view: ProgressView,
  ) {}

  async run(): Promise<void> {
    const result = this.handle.result().then(
      (value): NonNullable<RunTracker['outcome']> => ({ ok: true, result: value }),
      (error: unknown): NonNullable<RunTracker['outcome']> => ({ ok: false, error }),
    );
    while (!this.outcome) {
      await this.poll();
      const ended = await Promise.race([sleep(POLL_MS).then(() => undefined), result]);
      if (ended) {
        // The final count of resources; a query right as the run closes can miss, so try again.
        for (let i = 0; i < 5 && !(await this.poll()); i++) await sleep(200);
        if (ended.ok) this.at = this.view.steps.length;
        this.outcome = ended;
        for (const listener of this.onEnd) listener();
      }
    }
  }

  /** Resolves once the first progress answer is in, or the run has ended. */
  async firstAnswer(): Promise<void> {
    while (!this.raw && !this.outcome) await sleep(POLL_MS / 5);
  }

  private async poll(): Promise<boolean> {
    try {
      this.raw = await this.handle.query<Record<string, unknown>>('progress');
      this.update(this.view.read(this.raw));
      await this.readHeartbeats(this.view.heartbeatsOf?.(this.raw) ?? []);
      return true;
    } catch {
      // No worker has answered yet, or none is left to answer for a closed run: carry on.
      return false;
    }
  }

  private async readHeartbeats(types: readonly string[]): Promise<void> {
    if (!types.length || Date.now() - this.heartbeatsReadAt < HEARTBEAT_POLL_MS) return;
    this.heartbeatsReadAt = Date.now();
    // A describe that fails (the run just closed) only leaves the last heartbeat shown.
    const raw = await this.handle.describe().then(
      (d) => d.raw,
      () => undefined,
    );
    for (const a of raw?.pendingActivities ?? []) {
      const type = a.activityType?.name;
      const details = a.heartbeatDetails?.payloads?.[0];
      if (type && types.includes(type) && details) this.heartbeats[type] = defaultPayloadConverter.fromPayload(details);
    }
  }

  private update(progress: RunProgress): void {
    this.progress = progress;
    const i = progress.step === 'done' ? this.view.steps.length : this.view.steps.indexOf(progress.step);
    if (i > this.at) this.at = i;
  }

  elapsed(): string {
    return formatElapsed(Date.now() - this.started);
  }
}
