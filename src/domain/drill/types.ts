/**
 * Public shapes of `DrDrill` (README, "DR drills and schedules"). Plain JSON, so a Schedule or
 * `temporal workflow start --input-file` can carry the request as it is.
 */
import type { ReplicationState } from '../database/types';
import type { FailoverReport, FailoverRequest } from '../failover/types';
import type { NaclEntrySpec, SgPermission } from '../peering/rules-plan';
import type { AllowRule, PeeringTarget, SetupLocator } from '../peering/types';

/**
 * The rules the peering should hold. Normally read back from the setup's own input in Temporal
 * history; give them here when that history is gone (past the namespace's retention) or when the
 * peering was not made by a setup.
 */
export interface DrillExpectation {
  allow: AllowRule[];
  /** @default true */
  dnsResolution?: boolean;
  /** @default the range recorded on the peering, else 900 */
  naclRuleBase?: number;
}

/**
 * The failover to rehearse. `peeringConnectionId` may be left out: the drill fills in the peering
 * it checked. `drill` and `approval` are always forced to `true` and `"auto"`.
 */
export type DrillFailover = Omit<FailoverRequest, 'peeringConnectionId'> & { peeringConnectionId?: string };

export interface DrillRequest {
  /** Names the drill in its summary, its workflow id and its Schedule (`dr-drill-<name>`). */
  name: string;
  peering: PeeringTarget;
  /**
   * Rehearsed with `drill: true` and `approval: "auto"`, then run swapped back (without
   * `promoteReplica`) as the failback.
   */
  failover: DrillFailover;
  rtoTargetSeconds: number;
  /** Put drifted routes, rules and entries back before the rehearsal. @default false */
  repairDrift?: boolean;
  expect?: DrillExpectation;
  /**
   * Adds a `cost` check: it fails when the link's spend this month, or that spend plus Cost
   * Explorer's forecast for the rest of the month, is above this many US dollars.
   */
  costBudgetUsd?: number;
  /** Adds a `latency` check: it fails when AWS's p50 latency between the two regions is above this. */
  latencyBudgetMs?: number;
  /**
   * Lets the `latency` check subscribe the region pair to AWS's aggregate-latency p50 when nobody
   * has; without it, an unsubscribed pair fails the check as "not subscribed". @default false
   */
  enableLatencySubscription?: boolean;
  /**
   * Rehearses the promotion itself: a temporary read replica of the production replica's source,
   * `<replica id>-drill-<yyyymmddhhmm>`, made in the target region, promoted and timed, then
   * deleted. The production replica and record are never touched. Needs `failover.promoteReplica`.
   * @default false
   */
  rehearsePromotion?: boolean;
  /**
   * Aurora: a secondary cluster of a global database kept for drills. The drill switches over to
   * it and back (SwitchoverGlobalCluster, no data loss) and times both; refused when it is the
   * production cluster's global database.
   */
  drillGlobalCluster?: { region: string; dbClusterIdentifier: string };
}

/** What `rehearsePromotion` measured, and whether its temporary replica is gone again. */
export interface PromotionRehearsal {
  dbInstanceIdentifier: string;
  /** From the create to `available` and `replicating`; null when it did not get there. */
  createSeconds: number | null;
  /** PromoteReadReplica until standalone and available; null when it did not get there. */
  promotionSeconds: number | null;
  /** The temporary replica was deleted (or, having never been made, there is nothing to delete). */
  deleted: boolean;
  /** Why it stopped short, when it did. */
  error?: string;
}

/** One measured part of a drill's `rtoSeconds`, named, and what measured it. */
export interface RtoPart {
  name: string;
  seconds: number;
  measuredBy: string;
}

/** The month's spend against `costBudgetUsd`, from a PeeringCostReport child. */
export interface DrillCost {
  budgetUsd: number;
  monthToDateUsd: number;
  forecastUsd?: number;
  /** Spend plus forecast: what the month is on course for. */
  projectedUsd: number;
  /** The report's workflow id, for the details. */
  reportWorkflowId: string;
}

export interface DrillLatency {
  budgetMs: number;
  /** `null` when it could not be measured. */
  p50Ms: number | null;
  source: string;
  destination: string;
  subscribed: boolean;
}

export interface DrillCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** How a drifted item is put back; only ever the one item. */
export type RepairAction =
  | { kind: 'create-route'; routeTableId: string; destinationCidrBlock: string; peeringConnectionId: string }
  | {
      kind: 'authorize-ingress' | 'authorize-egress' | 'revoke-ingress' | 'revoke-egress';
      groupId: string;
      permission: SgPermission;
    }
  | { kind: 'create-nacl-entry'; networkAclId: string; entry: NaclEntrySpec }
  | { kind: 'enable-dns'; peeringConnectionId: string; side: 'requester' | 'accepter' };

/** Something missing or changed out of band. */
export interface DriftItem {
  /** The AWS id of the table, group, ACL or peering that differs. */
  resource: string;
  region: string;
  /** The side it is on; both sides of an intra-region peering share the region. */
  side?: 'requester' | 'accepter';
  what: string;
  expected: string;
  actual: string;
  /** Absent when putting it back needs a person (a deleted peering, a route now pointing elsewhere). */
  repair?: RepairAction;
}

export interface DrillReport {
  name: string;
  peeringConnectionId: string | null;
  outcome: 'passed' | 'failed';
  /**
   * The five peering checks (after repair, when `repairDrift`), then the rehearsal and the RTO, then
   * `cost` and `latency` when their budgets are set, then `recovered-when:<signal>` per health signal.
   */
  checks: DrillCheck[];
  /** Drift found by the first inspection. */
  drift: DriftItem[];
  /** Drift put back by this drill. */
  repaired: DriftItem[];
  /** Drift that `repairDrift` could not put back, and why (some needs a person). */
  repairFailures: Array<{ item: DriftItem; error: string }>;
  /** `null` when the rehearsal did not run (the peering was not usable, or the failover never completed). */
  failover: FailoverReport | null;
  failback: FailoverReport | null;
  /**
   * The failover rehearsal's measured RTO (its DNS switch), plus the rehearsed promotion when
   * `rehearsePromotion` ran: `rtoParts` names what is in it. `null` when it did not run to the end.
   * This is what `rtoTargetSeconds` is compared with.
   */
  rtoSeconds: number | null;
  /**
   * The parts `rtoSeconds` adds up, each named (`switch`, `promotion`) with what measured it. Empty
   * when nothing was measured. Absent from drills run before the switch was named.
   */
  rtoParts?: RtoPart[];
  /** One line: what `rtoSeconds` sums, and what it leaves out (decision wait, drill record setup, recovery). */
  rtoSummary?: string;
  /** With `rehearsePromotion`. */
  rehearsal?: PromotionRehearsal;
  /** With a `promoteReplica`: the replica's replication as the `replication` check read it. */
  replication?: ReplicationState;
  rtoTargetSeconds: number;
  /** With `costBudgetUsd`. */
  cost?: DrillCost;
  /** With `latencyBudgetMs`. */
  latency?: DrillLatency;
}

export interface DrillProgress {
  step:
    | 'validate'
    | 'resolve'
    | 'inspect'
    | 'repair'
    | 're-inspect'
    | 'failover'
    | 'failback'
    | 'replication'
    | 'rehearse-promotion'
    | 'cost'
    | 'latency'
    | 'done';
  checks: DrillCheck[];
  drift: DriftItem[];
  repaired: DriftItem[];
}

export const DRILL_CHECKS = {
  peeringActive: 'peering-active',
  dns: 'dns-resolution',
  routes: 'routes',
  securityGroups: 'security-group-rules',
  nacls: 'network-acl-entries',
  failover: 'failover-rehearsal',
  failback: 'failback-rehearsal',
  /** The replica's replication status and lag, against `promoteReplica.maxRpoSeconds` (as ARC's plan evaluation). */
  replication: 'replication',
  promotionRehearsal: 'promotion-rehearsal',
  rto: 'rto',
  cost: 'cost',
  latency: 'latency',
  /** A prefix: one check per health signal of the failover's `recoveredWhen`. */
  recoveredWhen: 'recovered-when',
} as const;

/** What the setup made on one side; absent lists mean every table (or ACL) of the VPC. */
export interface ExpectedSide {
  routeTableIds?: string[];
  networkAclIds?: string[];
  /** The IPv4 CIDRs the setup routed and admitted; absent: every one the VPC has now. */
  cidrBlocks?: string[];
  /** With `ipv6`: the IPv6 blocks the setup routed and admitted; absent: the VPC's own now. */
  ipv6CidrBlocks?: string[];
}

export interface InspectPeeringInput {
  locator: SetupLocator & { peeringConnectionId: string };
  /** The setup's allow rules; without them the security-group and NACL checks cannot be made. */
  allow?: AllowRule[];
  /** Said in the failed checks when `allow` is unknown. */
  allowUnknownReason?: string;
  /** @default true */
  dnsResolution?: boolean;
  /** @default the range recorded on the peering, else 900 */
  naclRuleBase?: number;
  /** The setup routed and admitted IPv6 too. @default false */
  ipv6?: boolean;
  requester?: ExpectedSide;
  accepter?: ExpectedSide;
}

export interface PeeringInspection {
  peeringConnectionId: string;
  status: string;
  checks: DrillCheck[];
  drift: DriftItem[];
}

/** The registered workflow type names: each is the exported workflow function's name. */
export const DrillWorkflows = {
  DrDrill: 'DrDrill',
} as const;
