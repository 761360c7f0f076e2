/**
 * The runbook a failover request asks for: the steps after preflight, in order. The workflow runs
 * them one by one and stops at the first that ends the run.
 */
import type { FailoverRequest } from './failover-types';

export type PlannedStep =
  | { kind: 'create-drill-record' }
  | { kind: 'approval' }
  | { kind: 'promote' }
  | { kind: 'switch' }
  | { kind: 'verify' };

export interface FailoverPlan {
  steps: PlannedStep[];
  /** A drill deletes its record and re-reads production afterwards, however the steps end. */
  drillCleanup: boolean;
}

export function planFailover(req: FailoverRequest): FailoverPlan {
  const drill = req.drill === true;
  return {
    steps: [
      ...(drill ? [{ kind: 'create-drill-record' } as const] : []),
      { kind: 'approval' },
      { kind: 'promote' },
      { kind: 'switch' },
      { kind: 'verify' },
    ],
    drillCleanup: drill,
  };
}
