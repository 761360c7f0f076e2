import { isCancellation, patched, proxyActivities, sleep } from '@temporalio/workflow';
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
import { type BoundsChange, type CapacityReport } from '../../domain/failover/types';

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
export async function scaleStep(run: FailoverRun, action: ScaleAction, drained = ''): Promise<StepEnd | undefined> {
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
    const restored = describeRestored(r.restored);
    done(
      'ok',
      `${drained}${target}: ${change}, ${before.inService} → ${r.after.inService} ${serving}${moved ? `; ${moved}, only as far as ${desired} needs${r.tagged?.length ? ` (the old bounds kept in tags ${r.tagged.join(', ')}, for the way back)` : ''}` : ''}${restored ? `; ${restored}` : ''}; ${desired < before.desired ? 'drained' : 'in service'} after ${r.waitedSeconds} s`,
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

const describeRestored = (b: BoundsChange | undefined) =>
  [
    b?.maxSize ? `MaxSize put back ${b.maxSize.from} → ${b.maxSize.to}` : '',
    b?.minSize ? `MinSize put back ${b.minSize.from} → ${b.minSize.to}` : '',
  ]
    .filter(Boolean)
    .join(', ') + (b?.maxSize || b?.minSize ? ' (as they were before an earlier failover moved them)' : '');

/**
 * The scale actions after a verified switch. Those that lower capacity wait until the record's TTL
 * has passed since the switch was verified, so that resolvers still holding the old answer have
 * moved on before the old side stops serving. With `recoveredWhen` and the application not healthy
 * in time, they are not run at all: the old side is what is left to serve. Re-running the same
 * request finishes them.
 */
export async function scaleAfter(run: FailoverRun, actions: ScaleAction[]): Promise<StepEnd | undefined> {
  if (!patched('failover-switch-drain')) return inParallel(actions.map((a) => scaleStep(run, a)));
  const all = run.req.scale ?? [];
  const lowers = (a: ScaleAction) => {
    const before = run.capacity[all.indexOf(a)];
    return before !== null && before !== undefined && desiredOf(a) < before.desired;
  };
  const lowering = run.drill ? [] : actions.filter(lowers);
  const others = actions.filter((a) => !lowering.includes(a));
  const unhealthy = Boolean(run.req.recoveredWhen?.length) && run.report.recovery?.healthyAt === null;
  const drainThenLower = async (): Promise<StepEnd | undefined> => {
    if (!lowering.length) return undefined;
    if (unhealthy) {
      for (const a of lowering) skipLowering(run, a);
      return undefined;
    }
    const since = run.verifiedAt ? new Date().getTime() - run.verifiedAt.getTime() : 0;
    const waitMs = Math.max(0, run.ttl * 1000 - since);
    if (waitMs > 0) {
      // Shown in the progress while it drains; the step itself starts (and is timed) after.
      for (const a of lowering) run.begin(scaleStepName(a), `draining: ${waitMs / 1000} s until the TTL has passed`);
      await sleep(waitMs);
    }
    const drained = waitMs
      ? `waited ${Math.round(waitMs / 100) / 10} s, until the record's TTL (${run.ttl} s) had passed since the verified switch; `
      : `the record's TTL (${run.ttl} s) had passed since the verified switch; `;
    return inParallel(lowering.map((a) => scaleStep(run, a, drained)));
  };
  return inParallel([...others.map((a) => scaleStep(run, a)), drainThenLower()]);
}

function skipLowering(run: FailoverRun, action: ScaleAction): void {
  const name = scaleStepName(action);
  const why = `${scaleTarget(action)} not lowered: the application is not healthy in ${run.req.to.region}; re-run the same request to finish`;
  const s = run.begin(name, 'not lowered: the application is not healthy');
  const entry = run.report.capacity?.[(run.req.scale ?? []).indexOf(action)];
  if (entry) Object.assign(entry, { outcome: 'skipped', detail: why });
  run.record(name, s, 'skipped', why);
  run.report.warnings?.push(why);
}

/** Steps that run at the same time: each runs to its end, and any failure ends the run with them all. */
export async function inParallel(steps: Array<Promise<StepEnd | undefined>>): Promise<StepEnd | undefined> {
  const ends = (await Promise.all(steps)).filter((e): e is StepEnd => e !== undefined);
  if (!ends.length) return undefined;
  return end('failed', ends.map((e) => e.reason ?? e.outcome).join('; '));
}
