import { CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import { desiredOf, scaleStepName, scaleTarget } from '../../domain/failover/capacity';
import type { PlannedStep } from '../../domain/failover/plan';
import type { ScaleAction } from '../../domain/failover/types';
import { explain } from '../failures';
import { SCALE, type Activities } from '../activity-options';
import type { FailoverRun } from './run';
import { inParallel, scaleStep } from './scale';

const scaling = proxyActivities<Activities>(SCALE);

/**
 * Planned mode, first after approval: the scale actions with `when: "fence"` (the writers in the
 * region traffic leaves scaled down), all at once. If one fails, those that did are put back and
 * the run ends there: nothing is promoted and DNS is not touched.
 */
export async function fence(run: FailoverRun, step: Extract<PlannedStep, { kind: 'fence' }>) {
  const ended = await inParallel(step.scale.map((a) => scaleStep(run, a)));
  if (!ended) return undefined;
  await putBack(run, step.scale, 'the fence failed');
  return ended;
}

/** When the fence's actions ended (workflow time), or undefined when the run has none. */
export function fenceEnded(run: FailoverRun, actions: ScaleAction[]): Date | undefined {
  const names = new Set(actions.map(scaleStepName));
  const ends = run.report.steps.filter((s) => names.has(s.name)).map((s) => Date.parse(s.finishedAt));
  return ends.length ? new Date(Math.max(...ends)) : undefined;
}

/** The action that puts a target back to the desired capacity preflight read. */
const back = (a: ScaleAction, desired: number): ScaleAction =>
  a.kind === 'autoscaling' ? { ...a, desiredCapacity: desired } : { ...a, desiredCount: desired };

/**
 * Puts the fence's scale actions back as preflight found them (desired capacity), as the step
 * `unfence`. A compensation: it runs to its end even when the run is being cancelled, and each
 * target is tried whatever the others do. A bound the fence lowered (MinSize) stays lowered: the
 * detail says so.
 */
export async function putBack(run: FailoverRun, actions: ScaleAction[], why: string): Promise<void> {
  if (run.drill || !actions.length) return;
  await CancellationScope.nonCancellable(async () => {
    const s = run.begin('unfence', `${why}: put the fence back`);
    const all = run.req.scale ?? [];
    const results = await Promise.all(
      actions.map(async (a): Promise<{ ok: boolean; detail: string }> => {
        const i = all.indexOf(a);
        const before = run.capacity[i];
        const entry = run.report.capacity?.[i];
        const target = scaleTarget(a);
        if (!before) return { ok: true, detail: `${target}: not read in preflight, not changed` };
        try {
          const r = await scaling.scaleCapacity.executeWithOptions(
            { summary: `Put ${target} back to ${before.desired} (${why})` },
            [
              {
                action: back(a, before.desired),
                bounded: a.region === run.req.from.region,
                desiredBefore: desiredOf(a),
              },
            ],
          );
          const lowered = entry?.bounds?.minSize;
          if (entry) {
            entry.after = r.after;
            entry.detail = `${entry.detail}; put back to desired ${before.desired}`;
          }
          return {
            ok: true,
            detail: `${target} back to desired ${before.desired} (${r.after.inService} in service)${lowered ? `; MinSize stays ${lowered.to} (was ${lowered.from})` : ''}`,
          };
        } catch (err) {
          if (isCancellation(err)) throw err;
          return {
            ok: false,
            detail: `${target} NOT put back (set desired ${before.desired} by hand): ${explain(err)}`,
          };
        }
      }),
    );
    const failed = results.filter((r) => !r.ok);
    run.record('unfence', s, failed.length ? 'failed' : 'ok', results.map((r) => r.detail).join('; '));
    if (failed.length)
      run.report.warnings?.push(`the fence was not put back: ${failed.map((r) => r.detail).join('; ')}`);
  });
}
