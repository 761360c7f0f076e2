/**
 * The runbook a failover request asks for: the steps after preflight, in order. The workflow runs
 * them one by one and stops at the first that ends the run. Like AWS ARC Region switch's plans:
 * an approval gate, then the promotion and the pilot light's capacity in parallel, then the switch
 * (a Route 53 UPSERT, or ARC routing controls), its read-back, the wait for the application's
 * health signals, and the capacity changes that wait for a verified switch.
 */
import { scaleStepName, scaleWhen } from './capacity';
import { fenceActions, isPlanned } from './planned';
import type { FailoverRequest, FailoverStepName, RecoverySignal, ScaleAction } from './types';

export type SwitchMode = 'upsert' | 'routing-control';

export type PlannedStep =
  | { kind: 'create-drill-record' }
  | { kind: 'approval' }
  /** Planned mode: the scale actions with `when: "fence"` (the writers in `from` scaled down), all at once. */
  | { kind: 'fence'; scale: ScaleAction[] }
  /** Planned mode, with a replica: wait until its ReplicaLag reads 0 after the fence; else put the fence back. */
  | { kind: 'drain' }
  /** The promotion, and the scale actions before the switch, all at once. */
  | { kind: 'prepare'; scale: ScaleAction[] }
  | { kind: 'switch'; mode: SwitchMode }
  | { kind: 'verify'; mode: SwitchMode }
  /** With `recoveredWhen`: wait until the application is healthy (a drill only reads each signal once). */
  | { kind: 'recovered'; signals: RecoverySignal[] }
  /** Once the switch is verified; their failure does not undo it. */
  | { kind: 'scale-after'; scale: ScaleAction[] };

export interface FailoverPlan {
  steps: PlannedStep[];
  /** A drill deletes its record and re-reads production afterwards, however the steps end. */
  drillCleanup: boolean;
}

/** A drill switches its own record by UPSERT whatever the mode: it never touches the routing controls. */
export function switchMode(req: FailoverRequest): SwitchMode {
  return req.drill !== true && req.dnsSwitch?.mode === 'routing-control' ? 'routing-control' : 'upsert';
}

export function planFailover(req: FailoverRequest): FailoverPlan {
  const drill = req.drill === true;
  const mode = switchMode(req);
  const scale = req.scale ?? [];
  const after = scale.filter((a) => scaleWhen(a) === 'after-switch');
  return {
    steps: [
      ...(drill ? [{ kind: 'create-drill-record' } as const] : []),
      { kind: 'approval' },
      ...plannedSteps(req),
      { kind: 'prepare', scale: scale.filter((a) => scaleWhen(a) === 'before-switch') },
      { kind: 'switch', mode },
      { kind: 'verify', mode },
      ...(req.recoveredWhen?.length ? [{ kind: 'recovered', signals: req.recoveredWhen } as const] : []),
      ...(after.length ? [{ kind: 'scale-after', scale: after } as const] : []),
    ],
    drillCleanup: drill,
  };
}

/** The step names each planned step reports, in order; the names of one group run at the same time. */
export function planStepNames(req: FailoverRequest): FailoverStepName[][] {
  const plan = planFailover(req);
  const names = plan.steps.map((step): FailoverStepName[] => {
    switch (step.kind) {
      case 'prepare':
        return ['promote-replica', ...step.scale.map(scaleStepName)];
      case 'scale-after':
      case 'fence':
        return step.scale.map(scaleStepName);
      case 'switch':
        return [step.mode === 'upsert' ? 'switch-record' : 'switch-routing-controls'];
      case 'verify':
        return [step.mode === 'upsert' ? 'verify-record' : 'verify-routing-controls'];
      default:
        return [step.kind];
    }
  });
  return plan.drillCleanup ? [...names, ['delete-drill-record'], ['production-untouched']] : names;
}

/** A planned run fences the writers, then waits for the replica to drain, before anything else changes. */
function plannedSteps(req: FailoverRequest): PlannedStep[] {
  if (!isPlanned(req)) return [];
  const fence = fenceActions(req);
  return [
    ...(fence.length ? [{ kind: 'fence', scale: fence } as const] : []),
    ...(req.promoteReplica ? [{ kind: 'drain' } as const] : []),
  ];
}
