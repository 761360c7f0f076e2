/**
 * One chaos data run: the lifecycle of a protected database, each workflow started once its
 * predecessor completed, on the same worker the setups run on (and die with):
 * ProtectDatabase, FailoverToRegion to the DR region (approval auto, the replica promoted),
 * ReprotectDatabase back, and the failback: FailoverToRegion with `from` and `to` swapped,
 * promoting the replica re-protection made under the old primary's name.
 */
import type { ProtectionRequest, ReprotectRequest } from '../../src/domain/database/types';
import type { FailoverRequest } from '../../src/domain/failover/types';
import { putDataLag, type DataWorld } from './data-world';
import { type RetryStats, type WorkflowOutcome } from './report';
import { type WorkflowTracker } from './workflows';

export const DATA_STEPS = ['protect', 'failover', 'reprotect', 'failback'] as const;
export type DataStep = (typeof DATA_STEPS)[number];

const WORKFLOW_TYPES: Record<DataStep, string> = {
  protect: 'ProtectDatabase',
  failover: 'FailoverToRegion',
  reprotect: 'ReprotectDatabase',
  failback: 'FailoverToRegion',
};

export interface DataRunRecord {
  index: number;
  /** The workflow ids are `<runId>-<step>`. */
  runId: string;
  world: DataWorld;
  /** The steps started, in order; a step starts only once the one before completed. */
  steps: Partial<Record<DataStep, WorkflowOutcome>>;
  retries: RetryStats;
}

export const dataWorkflowId = (runId: string, step: DataStep) => `${runId}-${step}`;

function failoverRequest(w: DataWorld, back: boolean): FailoverRequest {
  const primary = { region: w.primaryRegion, value: w.primaryValue };
  const dr = { region: w.drRegion, value: w.drValue };
  return {
    hostedZoneId: w.hostedZoneId,
    recordName: w.recordName,
    recordType: 'CNAME',
    ttl: 60,
    from: back ? dr : primary,
    to: back ? primary : dr,
    peeringConnectionId: w.peeringConnectionId,
    promoteReplica: back
      ? { region: w.primaryRegion, dbInstanceIdentifier: w.sourceId }
      : { region: w.drRegion, dbInstanceIdentifier: w.replicaId },
    approval: 'auto',
  };
}

/** The request each step of a data run sends. */
export function dataRequest(w: DataWorld, step: DataStep, tags: Record<string, string>): unknown {
  if (step === 'protect') {
    const request: ProtectionRequest = {
      source: { region: w.primaryRegion, dbInstanceIdentifier: w.sourceId },
      replica: {
        region: w.drRegion,
        dbInstanceIdentifier: w.replicaId,
        network: { vpcId: w.dr.vpcId, subnetIds: w.dr.subnetIds },
      },
      tags,
    };
    return request;
  }
  if (step === 'reprotect') {
    const request: ReprotectRequest = {
      primary: { region: w.drRegion, dbInstanceIdentifier: w.replicaId },
      oldPrimary: { region: w.primaryRegion, dbInstanceIdentifier: w.sourceId },
      retire: 'rename',
      tags,
    };
    return request;
  }
  return failoverRequest(w, step === 'failback');
}

/** A step went as it should: its workflow completed, and a failover's report says `completed`. */
export function stepSucceeded(outcome: WorkflowOutcome | undefined, step: DataStep): boolean {
  if (outcome?.status !== 'COMPLETED') return false;
  if (step !== 'failover' && step !== 'failback') return true;
  return (outcome.result as { outcome?: string } | undefined)?.outcome === 'completed';
}

export interface DataRunOptions {
  tracker: WorkflowTracker;
  motoUrl: string;
  tags: Record<string, string>;
  total: number;
  log: (line: string) => void;
}

/** Runs the four steps in order into `record.steps`; stops at the first that does not succeed. */
export async function runDataSteps(record: DataRunRecord, o: DataRunOptions): Promise<void> {
  for (const step of DATA_STEPS) {
    const id = dataWorkflowId(record.runId, step);
    // Fresh datapoints: the RPO read and the protection's lag gate take the newest of the last minutes.
    await putDataLag(o.motoUrl, record.world).catch(() => undefined);
    const since = Date.now();
    if (!(await o.tracker.start(WORKFLOW_TYPES[step], id, [dataRequest(record.world, step, o.tags)]))) {
      record.steps[step] = { workflowId: id, status: 'NOT_STARTED', seconds: 0 };
      return;
    }
    const outcome = await o.tracker.awaitClose(id, since);
    record.steps[step] = outcome;
    const report = outcome.result as { outcome?: string; promotion?: string } | undefined;
    o.log(
      `${id} ${outcome.status}${report?.outcome ? ` (${report.outcome}, promotion ${report.promotion})` : ''} after ${outcome.seconds} s (${o.tracker.closed}/${o.total} closed)`,
    );
    if (!stepSucceeded(outcome, step)) return;
  }
}
