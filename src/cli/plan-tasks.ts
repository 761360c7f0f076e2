import type { ListrTask } from 'listr2';
import { POLL_MS, sleep, type ProgressView, type RunTracker } from './run-tracker';

/**
 * One task per step the run plans, for views with `plan`: each waits until its step runs, shows
 * what it is doing, and ends as the step ended (done, skipped, or failed with its detail). Steps
 * that run at the same time are shown at the same time. A step the run never reached is skipped.
 */
export function plannedTasks(tracker: RunTracker, view: ProgressView, groups: string[][]): ListrTask[] {
  return groups.map((group): ListrTask => {
    if (group.length === 1) return plannedTask(tracker, view, group[0]!);
    return {
      title: `at once: ${group.join(', ')}`,
      task: (_ctx, task) =>
        task.newListr(
          group.map((name) => plannedTask(tracker, view, name)),
          { concurrent: true, exitOnError: false },
        ),
    };
  });
}

function plannedTask(tracker: RunTracker, view: ProgressView, name: string): ListrTask {
  return {
    title: name,
    rendererOptions: { persistentOutput: true },
    task: async (_ctx, task) => {
      let shown = '';
      const show = (line: string | undefined) => {
        if (line && line !== shown) {
          task.output = line;
          shown = line;
        }
      };
      for (;;) {
        const s =
          tracker.raw && view.stepState
            ? view.stepState(tracker.raw, name, tracker.heartbeats)
            : { state: 'pending' as const };
        if (s.state === 'ok') return show(s.detail);
        if (s.state === 'skipped') return task.skip(`${name}: ${s.detail ?? 'skipped'}`);
        if (s.state === 'failed') throw new Error(`${name}: ${s.detail ?? 'failed'}`);
        if (tracker.outcome) return task.skip(`${name}: not reached`);
        if (s.state === 'running') show(s.detail ?? tracker.progress?.detail);
        await sleep(POLL_MS / 2);
      }
    },
  };
}
