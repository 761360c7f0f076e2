/**
 * Scale actions of a failover (the pilot light): their step names, what they target, and the
 * capacity maths. Shared by the workflow (which reports) and the activities (which act), so both
 * say the same thing.
 */
import type { BoundsChange, CapacityState, FailoverStepName, ScaleAction, ScaleWhen } from './types';
export const scaleWhen = (a: ScaleAction): ScaleWhen => a.when ?? 'before-switch';

export const desiredOf = (a: ScaleAction): number => (a.kind === 'autoscaling' ? a.desiredCapacity : a.desiredCount);

/** The last part of a name that may be given as an ARN (`…:service/cluster/web` → `web`). */
const shortName = (nameOrArn: string) => nameOrArn.split(/[/:]/).pop() ?? nameOrArn;

/** `scale:<region>:<group name or service name>`, as the report and the CLI name the step. */
export function scaleStepName(a: ScaleAction): FailoverStepName {
  return `scale:${a.region}:${a.kind === 'autoscaling' ? a.name : shortName(a.service)}`;
}

/** "Auto Scaling group abc-web-dr in eu-west-1", "ECS service web (cluster abc-dr) in eu-west-1". */
export function scaleTarget(a: ScaleAction): string {
  return a.kind === 'autoscaling'
    ? `Auto Scaling group ${a.name} in ${a.region}`
    : `ECS service ${shortName(a.service)} (cluster ${shortName(a.cluster)}) in ${a.region}`;
}

/** Moves a bound only as far as `desired` needs: MaxSize up to it, or MinSize down to it. */
export function boundsFor(state: CapacityState, desired: number): BoundsChange {
  return {
    ...(state.maxSize !== undefined && desired > state.maxSize
      ? { maxSize: { from: state.maxSize, to: desired } }
      : {}),
    ...(state.minSize !== undefined && desired < state.minSize
      ? { minSize: { from: state.minSize, to: desired } }
      : {}),
  };
}

export function describeBounds(b: BoundsChange): string {
  return [
    b.maxSize ? `MaxSize raised ${b.maxSize.from} → ${b.maxSize.to}` : '',
    b.minSize ? `MinSize lowered ${b.minSize.from} → ${b.minSize.to}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * In service at the new capacity: scaling out, at least `desired` instances or tasks serve and
 * none is still starting; scaling in, no more than `desired` still serve.
 */
export function capacityReached(state: CapacityState, desired: number, desiredBefore: number): boolean {
  if (desired >= desiredBefore) return state.desired === desired && state.inService >= desired && state.pending === 0;
  return state.desired === desired && state.inService <= desired;
}

export function describeCapacity(s: CapacityState, unit: 'instances' | 'tasks'): string {
  const bounds = s.minSize !== undefined ? ` (min ${s.minSize}, max ${s.maxSize ?? '?'})` : '';
  const serving = unit === 'instances' ? 'InService' : 'running';
  return `desired ${s.desired}, ${s.inService} ${serving}${s.pending ? `, ${s.pending} pending` : ''}${bounds}`;
}

export const unitOf = (a: ScaleAction): 'instances' | 'tasks' => (a.kind === 'autoscaling' ? 'instances' : 'tasks');
