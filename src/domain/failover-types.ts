/**
 * Public shapes of `FailoverToRegion` (see CONTRACT.md). Plain JSON, so
 * `temporal workflow start --type FailoverToRegion --input-file f.json` works, and so `DrDrill`
 * can run it as a child workflow and read the report.
 */

export type FailoverRecordType = 'CNAME' | 'A' | 'AAAA';

/** One end of the redirect: where traffic goes, and the region it lives in. */
export interface FailoverEndpoint {
  region: string;
  /** The record's value on this side: a host name for CNAME, an address for A / AAAA. */
  value: string;
}

export interface ReplicaRef {
  /** Must be the `to` region: the replica is promoted where traffic is going. */
  region: string;
  dbInstanceIdentifier: string;
}

export interface FailoverRequest {
  hostedZoneId: string;
  recordName: string;
  recordType: FailoverRecordType;
  /** TTL written with the new value. @default the record's current TTL */
  ttl?: number;
  from: FailoverEndpoint;
  to: FailoverEndpoint;
  /** The peering that carries replication between the regions; it must be active with routes. */
  peeringConnectionId: string;
  /** A cross-region read replica to promote before traffic moves. Omit it for a failback. */
  promoteReplica?: ReplicaRef;
  /** `signal` waits for the `approve` or `abort` signal. @default "auto" */
  approval?: 'auto' | 'signal';
  /** How long to wait for a decision, as a duration such as "30m" or "90s". @default "30m" */
  approvalTimeout?: string;
  /** Work on a drill record only; the production record and the replica are never changed. @default false */
  drill?: boolean;
  /** The record a drill creates, switches and deletes. Only with `drill: true`. @default "drill-<recordName>" */
  drillRecordName?: string;
}

export type FailoverOutcome = 'completed' | 'aborted' | 'failed';
export type StepOutcome = 'ok' | 'failed' | 'skipped' | 'aborted';

export type FailoverStepName =
  | 'preflight'
  | 'already-on-target'
  | 'create-drill-record'
  | 'approval'
  | 'promote-replica'
  | 'switch-record'
  | 'verify-record'
  | 'delete-drill-record'
  | 'production-untouched';

/** One step of the run, timed with workflow time (ISO 8601). */
export interface FailoverStep {
  name: FailoverStepName;
  startedAt: string;
  finishedAt: string;
  outcome: StepOutcome;
  detail: string;
}

/** A simple (non-alias, no routing policy) record set as Route 53 returned it. */
export interface RecordSnapshot {
  /** Lower case, with the trailing dot. */
  name: string;
  type: string;
  ttl?: number;
  /** The single value, or the values joined with ", " when there are several. */
  value: string;
  values: string[];
}

export interface FailoverReport {
  outcome: FailoverOutcome;
  /**
   * From the approval (or the start of the run, when `approval` is `auto`) to the verified switch.
   * Null when nothing was switched (aborted, failed, or already on the target).
   */
  rtoSeconds: number | null;
  /** Time spent waiting for `approve` / `abort`; 0 with `approval: "auto"`. Not part of `rtoSeconds`. */
  decisionWaitSeconds: number;
  steps: FailoverStep[];
  /** The record this run acted on (the drill record in a drill), before and after. */
  recordBefore: RecordSnapshot | null;
  recordAfter: RecordSnapshot | null;
  /** The record this run acted on. */
  recordName: string;
  drill: boolean;
  /** What happened to `promoteReplica`; `not-needed` when traffic was already on the target. */
  promotion:
    'promoted' | 'already-promoted' | 'not-requested' | 'not-needed' | 'skipped-in-drill' | 'not-reached' | 'failed';
  /** Why the outcome is `aborted` or `failed`, in one line. */
  reason?: string;
  /** In a drill: the production record as read in preflight (it is never written). */
  productionRecord?: RecordSnapshot | null;
}

/** What the `progress` query answers. */
export interface FailoverProgress {
  step: FailoverStepName | 'done';
  completed: FailoverStepName[];
  steps: FailoverStep[];
  /** True while the run waits for `approve` or `abort`. */
  awaitingDecision: boolean;
  outcome?: FailoverOutcome;
}

/** Optional payload of the `approve` and `abort` signals, for the report. */
export interface DecisionInput {
  by?: string;
  reason?: string;
}

/** Signal and query names, shared by the workflow and the client. */
export const FAILOVER_SIGNALS = { approve: 'approve', abort: 'abort' } as const;
export const FAILOVER_PROGRESS_QUERY = 'progress';
