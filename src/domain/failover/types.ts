/**
 * Public shapes of `FailoverToRegion` (README, "DR runbook"). Plain JSON, so
 * `temporal workflow start --type FailoverToRegion --input-file f.json` works, and so `DrDrill`
 * can run it as a child workflow and read the report.
 */
import type { RecoveryReport, RecoverySignal } from './recovery-types';

export type { CloudWatchAlarmSignal, Route53HealthCheckSignal, RecoveryWait } from './recovery-types';
export type { RecoveryReport, RecoverySignal, SignalReading, SignalState } from './recovery-types';
import type { BoundsChange, CapacityState, RoutingControlState, Unreachable } from './read-types';
import type { FailoverMode, FailoverRpo } from './rpo-types';
export type { FailoverMode, FailoverRpo, RpoBasis } from './rpo-types';
export type {
  CapacityState,
  SizeChange,
  BoundsChange,
  Unreachable,
  RoutingControlState,
  EndpointMiss,
  RoutingControlChange,
} from './read-types';

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
  /** The most data (seconds of ReplicaLag) a promotion may lose; a drill's `replication` check holds it too. */
  maxRpoSeconds?: number;
}

/**
 * When a scale action runs: with the promotion before the switch, or once the switch is verified;
 * `fence` (planned mode only): first after approval, to stop the writers before the lag drains.
 */
export type ScaleWhen = 'before-switch' | 'after-switch' | 'fence';

/** An EC2 Auto Scaling group's desired capacity, e.g. the pilot light's web tier. */
export interface AutoScalingAction {
  kind: 'autoscaling';
  region: string;
  /** The Auto Scaling group's name. */
  name: string;
  desiredCapacity: number;
  /** @default "before-switch" */
  when?: ScaleWhen;
}

/** An ECS service's desired count. */
export interface EcsServiceAction {
  kind: 'ecs';
  region: string;
  /** The cluster's name or ARN. */
  cluster: string;
  /** The service's name or ARN. */
  service: string;
  desiredCount: number;
  /** @default "before-switch" */
  when?: ScaleWhen;
}

export type ScaleAction = AutoScalingAction | EcsServiceAction;

/** A regional endpoint of a Route 53 ARC cluster (`DescribeCluster` lists five). */
export interface ClusterEndpoint {
  region: string;
  /** As ARC gives it, e.g. https://abcd1234.route53-recovery-cluster.us-east-1.amazonaws.com/v1 */
  endpoint: string;
}

/**
 * How DNS moves. `upsert` writes the record through the Route 53 API, whose control plane is in
 * us-east-1. `routing-control` flips Route 53 ARC routing controls through the cluster's data
 * plane, trying each endpoint in turn: `to` On, then `from` Off.
 */
export type DnsSwitch =
  | { mode: 'upsert' }
  | { mode: 'routing-control'; clusterEndpoints: ClusterEndpoint[]; routingControls: { from: string; to: string } };

/** A role for one region's side of the peering (see `FailoverRequest.peeringRoles`). */
export interface PeeringRole {
  region: string;
  roleArn: string;
  externalId?: string;
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
  /**
   * For a peering side in another account: the role that reads the peering and that side's route
   * tables in its region. A drill fills these in from the setup it checks.
   * @default the worker's own credentials in both regions
   */
  peeringRoles?: PeeringRole[];
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
  /** Capacity to wake (or put to sleep): the pilot light. Drills check each target and change nothing. */
  scale?: ScaleAction[];
  /** @default { "mode": "upsert" } */
  dnsSwitch?: DnsSwitch;
  /** Signals that users are served in `to` again: the `recovered` step waits for them, `rtoSeconds` counts to them. */
  recoveredWhen?: RecoverySignal[];
  /** How long `recovered` waits for the signals; the switch stands either way. @default "15m" */
  recoveryTimeout?: string;
  /** `planned`: fence, wait for the lag to drain, then promote (no data loss). @default "unplanned" */
  mode?: FailoverMode;
  /** Planned only: how long to wait for ReplicaLag 0 after the fence. @default "10m" */
  drainTimeout?: string;
}

export type FailoverOutcome = 'completed' | 'aborted' | 'failed';
export type StepOutcome = 'ok' | 'failed' | 'skipped' | 'aborted';

export type FailoverStepName =
  | 'preflight'
  | 'already-on-target'
  | 'create-drill-record'
  | 'approval'
  | 'promote-replica'
  /** Planned mode: wait for ReplicaLag 0 after the fence; `unfence` puts the fence back when it does not drain. */
  | 'drain'
  | 'unfence'
  | 'switch-record'
  | 'verify-record'
  | 'switch-routing-controls'
  | 'verify-routing-controls'
  | 'recovered'
  | 'delete-drill-record'
  | 'production-untouched'
  /** `scale:<region>:<group or service name>` */
  | `scale:${string}`;

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
   * From the approval (or the start of the run, when `approval` is `auto`) to the verified switch, or
   * with `recoveredWhen` to every signal healthy. Null when nothing was switched, or not healthy in time.
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
  /** How DNS moved (or would have). */
  dnsSwitch?: DnsSwitch['mode'];
  /** With `routing-control`: the states of `from` and `to` as read before the switch and after it. */
  routingControls?: { before: RoutingControlPair | null; after: RoutingControlPair | null };
  /** One entry per scale action, in request order. */
  capacity?: CapacityReport[];
  /** Checks that got no answer within the probe's bound (the source region being down), and how long each waited. */
  unreachable?: Unreachable[];
  /** What went wrong after the switch without undoing it (an after-switch scale action that failed). */
  warnings?: string[];
  /** With `recoveredWhen`, once the switch is verified. */
  recovery?: RecoveryReport;
  /** With `promoteReplica`: the data the promotion may lose, as measured. */
  rpo?: FailoverRpo;
}

export interface RoutingControlPair {
  from: RoutingControlState;
  to: RoutingControlState;
}

/** What the `progress` query answers. */
export interface FailoverProgress {
  /** The step begun last; with steps in parallel, `running` has them all. */
  step: FailoverStepName | 'done';
  completed: FailoverStepName[];
  steps: FailoverStep[];
  /** The steps running now. */
  running?: FailoverStepName[];
  /** Every step the run plans, in order; the steps of one group run at the same time. */
  plan?: FailoverStepName[][];
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

/** A scale action in the report: its capacity before and after, and any bound that had to move. */
export interface CapacityReport {
  step: FailoverStepName;
  kind: ScaleAction['kind'];
  region: string;
  /** The group's name, or the service's. */
  name: string;
  when: ScaleWhen;
  desired: number;
  /** As preflight read it; null when it could not be read (its region did not answer). */
  before: CapacityState | null;
  /** Once in service; null when not reached (a drill, a skip, a failure). */
  after: CapacityState | null;
  bounds?: BoundsChange;
  outcome: StepOutcome;
  detail: string;
}

/** The registered workflow type names: each is the exported workflow function's name. */
export const FailoverWorkflows = {
  FailoverToRegion: 'FailoverToRegion',
} as const;
