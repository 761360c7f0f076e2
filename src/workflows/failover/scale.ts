import { isCancellation, proxyActivities } from '@temporalio/workflow';
import {
  boundsFor,
  describeBounds,
  describeCapacity,
  desiredOf,
  scaleStepName,
  scaleTarget,
  scaleWhen,
  unitOf,
} from '../../domain/failover/capacity';
import type { ScaleAction, StepOutcome } from '../../domain/failover/types';
import { explain } from '../failures';
import { end, type FailoverRun, type StepEnd } from './run';
import { SCALE, type Activities } from '../activity-options';
import { type CapacityReport } from '../../domain/failover/types';

const scaling = proxyActivities<Activities>(SCALE);

/** The report's entry for each scale action, in request order, filled in as the steps run. */
export function capacityEntries(run: FailoverRun): CapacityReport[] {
  return (run.req.scale ?? []).map((a, i) => ({
    step: scaleStepName(a),
    kind: a.kind,
    region: a.region,
    name: a.kind === 'autoscaling' ? a.name : a.service,
    when: scaleWhen(a),
    desired: desiredOf(a),
    before: run.capacity[i] ?? null,
    after: null,
    outcome: 'skipped',
    detail: 'not reached',
  }));
}

/**
 * One scale action as a timed step, `scale:<region>:<name>`. Drills only check; a target whose
 * region did not answer in preflight is skipped, since nothing after approval may depend on the
 * region being left. A failure before the switch stops the run; after it, the switch stands.
 */
export async function scaleStep(run: FailoverRun, action: ScaleAction): Promise<StepEnd | undefined> {
  const i = (run.req.scale ?? []).indexOf(action);
  const entry = run.report.capacity?.[i];
  const before = run.capacity[i] ?? null;
  const [name, target, desired, when, unit] = [
    scaleStepName(action),
    scaleTarget(action),
    desiredOf(action),
    scaleWhen(action),
    unitOf(action),
  ];
  const serving = unit === 'instances' ? 'InService' : 'running';
  const s = run.begin(name, `${target} → ${desired}, until ${desired} ${serving}`);
  const done = (outcome: StepOutcome, detail: string) => {
    if (entry) Object.assign(entry, { outcome, detail });
    run.record(name, s, outcome, detail);
  };
  const bounds = before ? boundsFor(before, desired) : {};
  const moved = describeBounds(bounds);
  if (!before) {
    done(
      'skipped',
      `${target} did not answer in preflight, so it is not scaled: nothing after approval depends on the region being left. Scale it by hand once ${action.region} answers`,
    );
    return undefined;
  }
  if (run.drill) {
    const now = describeCapacity(before, unit);
    done(
      'skipped',
      `drill: ${target} exists and could scale (${now}); it would be set to ${desired}${moved ? ` (${moved})` : ''}. No capacity was changed`,
    );
    return undefined;
  }
  try {
    const r = await scaling.scaleCapacity.executeWithOptions(
      { summary: `Scale ${target} to ${desired}; wait until ${desired} ${serving}` },
      [{ action, bounded: action.region === run.req.from.region, desiredBefore: before.desired }],
    );
    if (entry) {
      entry.after = r.after;
      if (moved) entry.bounds = bounds;
    }
    const change =
      before.desired === desired ? `already at desired ${desired}` : `desired ${before.desired} → ${desired}`;
    done(
      'ok',
      `${target}: ${change}, ${before.inService} → ${r.after.inService} ${serving}${moved ? `; ${moved}, only as far as ${desired} needs` : ''}; ${desired < before.desired ? 'drained' : 'in service'} after ${r.waitedSeconds} s`,
    );
    return undefined;
  } catch (err) {
    if (isCancellation(err)) throw err;
    // A fence (planned mode) comes before the switch too: its failure stops the run.
    const stops = when !== 'after-switch';
    const consequence = stops
      ? 'DNS was not switched; capacity already changed stays. Fix the cause and run the same request again to resume'
      : `the switch stands (traffic is on ${run.req.to.region}); scale ${target} by hand`;
    done('failed', `${explain(err)}. ${consequence}`);
    if (stops) return end('failed', `${name} failed: ${explain(err)}`);
    run.report.warnings?.push(`${name} failed after the switch: ${explain(err)}`);
    return undefined;
  }
}

/** Steps that run at the same time: each runs to its end, and any failure ends the run with them all. */
export async function inParallel(steps: Array<Promise<StepEnd | undefined>>): Promise<StepEnd | undefined> {
  const ends = (await Promise.all(steps)).filter((e): e is StepEnd => e !== undefined);
  if (!ends.length) return undefined;
  return end('failed', ends.map((e) => e.reason ?? e.outcome).join('; '));
}
