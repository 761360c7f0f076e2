/**
 * Public shapes of the database workflows (README "Protecting the database"): ProtectDatabase,
 * UnprotectDatabase and ReprotectDatabase, and the replica reads FailoverToRegion and DrDrill reuse.
 * Plain JSON, so `temporal workflow start --input-file` works. An instance is named by
 * `dbInstanceIdentifier`; Aurora names a cluster by `dbClusterIdentifier` in the same places.
 */
import type { ResourceRef } from '../aws/resource-ref';
import type { TeardownResult } from '../peering/types';

/** One RDS DB instance in its region: a source, a primary or a replica. */
export interface DbInstanceRef {
  region: string;
  dbInstanceIdentifier: string;
}

/**
 * Where the replica goes: the VPC a peering setup made (or used) in the replica's region and the
 * subnets that setup made there, or a VPC and subnets named outright.
 */
export type ReplicaNetwork = { setupWorkflowId: string } | { vpcId: string; subnetIds: string[] };

export interface ReplicaSpec extends DbInstanceRef {
  network: ReplicaNetwork;
  /** @default the source's class */
  dbInstanceClass?: string;
  /** A KMS key of the replica's region; required when the source is encrypted, refused when it is not. */
  kmsKeyId?: string;
  /**
   * The CIDRs the replica's group admits on the engine's port, replacing the default: the replica
   * VPC's CIDRs and, with `{ setupWorkflowId }`, the peer side's. May also be given at the top level.
   */
  allowFrom?: string[];
}

export interface ProtectionRequest {
  source: DbInstanceRef;
  replica: ReplicaSpec;
  /** The replica counts as protecting once its ReplicaLag is at most this. @default 300 */
  maxLagSeconds?: number;
  /** How long to wait for that lag (a duration such as "60m"). @default "60m" */
  lagTimeout?: string;
  /** Same as `replica.allowFrom`; give one of the two. */
  allowFrom?: string[];
  tags?: Record<string, string>;
}

export interface UnprotectRequest {
  /** The ProtectDatabase (or ReprotectDatabase) run whose replica, subnet group and group to delete. */
  protectWorkflowId: string;
}

export interface ReprotectRequest {
  /** The new writer (the promoted replica). */
  primary: DbInstanceRef;
  /** The instance the failover left behind in the old region; renamed and kept, never deleted. */
  oldPrimary: DbInstanceRef;
  /** @default "rename" */
  retire?: 'rename' | 'rename-and-stop';
  /** @default 300 */
  maxLagSeconds?: number;
  /** @default "60m" */
  lagTimeout?: string;
  tags?: Record<string, string>;
}

export interface ProtectionReport {
  source: DbInstanceRef & { arn: string; engine: string; port: number };
  replica: DbInstanceRef & {
    arn: string;
    /** The replica's host name (its port is the source's). */
    endpoint: string;
    vpcId: string;
    dbSubnetGroupName: string;
    /** The replica's own group (`<replica id>-db`); after a re-protection, the first of the old primary's. */
    securityGroupId: string;
    /** Every VPC security group of the replica. */
    securityGroupIds: string[];
  };
  /** StatusInfos' `read replication` status, e.g. `replicating`. */
  replicationStatus: string;
  /** The newest ReplicaLag datapoint that passed the gate. */
  lagSeconds: number | null;
  lagMeasuredAt?: string;
  /** What this protection holds: the replica, and for ProtectDatabase its subnet group and group. */
  created: ResourceRef[];
  /** ReprotectDatabase: the old primary, renamed and kept. */
  retired?: { dbInstanceIdentifier: string; arn: string; stopped: boolean };
}

/** UnprotectDatabase's result: a teardown, plus what it found but would not delete, and why. */
export interface UnprotectResult extends TeardownResult {
  kept?: Array<{ ref: ResourceRef; reason: string }>;
}

/** The `read replication` status and the newest ReplicaLag, as the failover's RPO and a drill read them. */
export interface ReplicationState {
  /**
   * StatusInfos' `read replication` status (`replicating`, `error`, `stopped`, `terminated`, …);
   * `not-a-replica` for an instance with no replication source, `unknown` when RDS reports none,
   * `not-found` when there is no such instance.
   */
  status: string;
  /**
   * The newest `ReplicaLag` datapoint (the `Maximum` of its minute) of the last 15 minutes, in
   * seconds; `-1` is RDS saying replication is not running; null when there is no datapoint.
   */
  lagSeconds: number | null;
  measuredAt?: string;
  /** DBInstanceStatus, when the instance exists. */
  instanceStatus?: string;
  /** ReadReplicaSourceDBInstanceIdentifier, when it has one. */
  source?: string;
}

export interface ReadReplicationInput extends DbInstanceRef {
  /**
   * One attempt with the probe's short timeout per call, for a region that may be down; a region
   * that does not answer fails with `Unreachable`. @default false
   */
  bounded?: boolean;
}

/** The ProtectionReport's lag: a caught-up replica's ReplicaLag is 0; -1 means not replicating. */
export const caughtUp = (lag: number | null, max: number): lag is number => lag !== null && lag >= 0 && lag <= max;

export type ProtectionStep =
  | 'validate'
  | 'check'
  | 'global-cluster'
  | 'subnet-group'
  | 'security-group'
  | 'retire'
  | 'replica'
  | 'replicating'
  | 'lag'
  | 'rollback'
  | 'done';

/** What the replica looked like at the last poll. */
export interface ReplicaObservation {
  status: string;
  replicationStatus?: string;
  lagSeconds?: number | null;
  measuredAt?: string;
}

/** What the `progress` query of ProtectDatabase and ReprotectDatabase answers. */
export interface ProtectionProgress {
  step: ProtectionStep;
  completed: ProtectionStep[];
  created: ResourceRef[];
  replica?: ReplicaObservation;
}

export const PROTECTION_PROGRESS_QUERY = 'progress';

/** The registered workflow type names: each is the exported workflow function's name. */
export const DatabaseWorkflows = {
  ProtectDatabase: 'ProtectDatabase',
  UnprotectDatabase: 'UnprotectDatabase',
  ReprotectDatabase: 'ReprotectDatabase',
} as const;

/** Everything a protection creates carries this tag, with its workflow id as the value. */
export const PROTECTION_ID_TAG = 'vpc-peering:protection-id';
/** On an old primary that a re-protection renamed: the re-protection's workflow id. */
export const RETIRED_BY_TAG = 'vpc-peering:retired-by';
/** On an instance a failover promoted: the failover's workflow id (and its `from` region). */
export const PROMOTED_BY_TAG = 'vpc-peering:promoted-by';
export const PROMOTED_FROM_TAG = 'vpc-peering:promoted-from';

/** An RDS instance as the activities read it (DescribeDBInstances), for the checks and the reports. */
export interface DatabaseFacts extends DbInstanceRef {
  arn: string;
  status: string;
  engine: string;
  port?: number;
  /** The host name, once RDS gives one. */
  endpoint?: string;
  dbInstanceClass: string;
  backupRetentionPeriod: number;
  encrypted: boolean;
  kmsKeyId?: string;
  /** ReadReplicaSourceDBInstanceIdentifier: the source's ARN for a cross-region replica. */
  source?: string;
  /** StatusInfos' `read replication` status. */
  replicationStatus?: string;
  dbSubnetGroup?: { name: string; vpcId: string; subnetIds: string[] };
  securityGroupIds: string[];
  parameterGroup?: string;
  tags: Record<string, string>;
}

/** A VPC and the subnets a protection would use, as EC2 reports them. */
export interface NetworkFacts {
  region: string;
  vpcId: string;
  /** False when the VPC does not exist. */
  found: boolean;
  cidrBlocks: string[];
  subnets: Array<{ subnetId: string; vpcId: string; availabilityZone: string }>;
  /** Subnets named but not found. */
  missingSubnets: string[];
}

/** Something a protection makes, found by its name, and whether it carries this protection's tag. */
export interface FoundResource {
  ref: ResourceRef;
  ours: boolean;
  /** The protection id it carries, if another one's. */
  owner?: string;
}

/** What already stands under a protection's names (its replica, subnet group and group). */
export interface ProtectionInventory {
  replica?: FoundResource & { status: string; source?: string; promoted: boolean; arn: string };
  subnetGroup?: FoundResource;
  securityGroup?: FoundResource;
}

export interface FindProtectionInput extends DbInstanceRef {
  protectionId: string;
  /** Look for the subnet group and group too (a ProtectDatabase; a re-protection makes neither). */
  network: boolean;
  /** Narrows the group search to this VPC. */
  vpcId?: string;
}

export interface EnsureReplicaInput extends DbInstanceRef {
  protectionId: string;
  sourceArn: string;
  dbInstanceClass: string;
  kmsKeyId?: string;
  dbSubnetGroupName?: string;
  vpcSecurityGroupIds?: string[];
  dbParameterGroupName?: string;
  tags: Record<string, string>;
}

/** One bounded stretch of a wait: done, or what the replica looked like when the stretch ended. */
export interface WaitStretch {
  done: boolean;
  seen: ReplicaObservation;
}

export interface ReplicaWaitInput extends DbInstanceRef {
  /** Fail once this (ISO 8601, the workflow's clock) has passed. */
  deadline: string;
  /** For the lag wait. */
  maxLagSeconds?: number;
  /** What the workflow showed last: a stretch ends as soon as the replica looks different. */
  lastSeen?: ReplicaObservation;
}

/** A protection as Temporal recorded it: the request of its newest run, and whether that run still runs. */
export type ProtectionRecord = { running: boolean; runId?: string } & (
  | { workflowType: 'ProtectDatabase'; request: ProtectionRequest }
  | { workflowType: 'ReprotectDatabase'; request: ReprotectRequest }
);

export interface RemoveInput {
  ref: ResourceRef;
  protectionId: string;
  /**
   * A standalone instance (promoted, or never a replica) holds data of its own and is refused
   * (`ProtectionInUse`) unless this says it may go: the drill's promoted rehearsal replica.
   * @default false
   */
  standaloneToo?: boolean;
}

/** `kept`: it exists but is not this protection's (or not safe to delete), with the reason. */
export type RemoveOutcome = { outcome: 'deleted' | 'already-gone' } | { outcome: 'kept'; reason: string };
