/**
 * Aurora Global Database shapes (README "Aurora Global Database"): the same workflows as for an
 * instance, with `dbClusterIdentifier` where an instance has `dbInstanceIdentifier`. The source
 * cluster becomes the primary of a global cluster; the replica is a secondary cluster in the DR
 * region with one reader instance.
 */
import type { ResourceRef } from '../aws/resource-ref';
import type { ReplicaNetwork } from './types';

/** One Aurora DB cluster in its region. */
export interface DbClusterRef {
  region: string;
  dbClusterIdentifier: string;
}

export interface ClusterReplicaSpec extends DbClusterRef {
  network: ReplicaNetwork;
  /** The reader instance's class. @default db.r6g.large */
  dbInstanceClass?: string;
  /** Same as for an instance: what the secondary's group admits on the engine port. */
  allowFrom?: string[];
}

export interface ClusterProtectionRequest {
  source: DbClusterRef;
  replica: ClusterReplicaSpec;
  /** @default `<source cluster>-global`, or the global cluster the source already is a member of */
  globalClusterIdentifier?: string;
  /** The secondary counts as protecting once its AuroraGlobalDBRPOLag is at most this. @default 300 */
  maxLagSeconds?: number;
  /** @default "60m" */
  lagTimeout?: string;
  allowFrom?: string[];
  tags?: Record<string, string>;
}

export interface ClusterReprotectRequest {
  /** The new writer: the cluster the failover promoted. */
  primary: DbClusterRef;
  /** The cluster the failover left behind; Aurora re-adds it as a secondary once its region answers. */
  oldPrimary: DbClusterRef;
  /** @default 300 */
  maxLagSeconds?: number;
  /** How long to wait for the old primary to rejoin and catch up. @default "60m" */
  lagTimeout?: string;
  tags?: Record<string, string>;
}

export interface ClusterProtectionReport {
  source: DbClusterRef & { arn: string; engine: string; engineVersion: string; port: number };
  replica: DbClusterRef & {
    arn: string;
    /** The secondary's reader endpoint, once RDS gives one. */
    endpoint: string;
    vpcId: string;
    dbSubnetGroupName: string;
    securityGroupId: string;
    securityGroupIds: string[];
    /** The secondary's reader instance. */
    readerInstanceIdentifier: string;
  };
  globalClusterIdentifier: string;
  /** The secondary's SynchronizationStatus in the global cluster, e.g. `connected`. */
  replicationStatus: string;
  /** The newest AuroraGlobalDBRPOLag that passed the gate, in seconds. */
  lagSeconds: number | null;
  lagMeasuredAt?: string;
  created: ResourceRef[];
  /** ReprotectDatabase: the manual copy of Aurora's `rds:unplanned-global-failover-…` snapshot of the old volume. */
  lostWritesSnapshot?: { dbClusterSnapshotIdentifier: string; region: string; copiedFrom: string } | null;
}

/** An Aurora DB cluster as the activities read it. */
export interface ClusterFacts extends DbClusterRef {
  arn: string;
  status: string;
  engine: string;
  engineVersion: string;
  port?: number;
  readerEndpoint?: string;
  encrypted: boolean;
  /** The global cluster it is a member of (as DescribeDBClusters says). */
  globalClusterIdentifier?: string;
  members: Array<{ dbInstanceIdentifier: string; writer: boolean }>;
  dbSubnetGroupName?: string;
  securityGroupIds: string[];
  tags: Record<string, string>;
}

export interface GlobalMember {
  arn: string;
  region: string;
  dbClusterIdentifier: string;
  writer: boolean;
  synchronizationStatus?: string;
}

export interface GlobalClusterFacts {
  globalClusterIdentifier: string;
  arn: string;
  status: string;
  engine: string;
  engineVersion: string;
  members: GlobalMember[];
  /** A failover or switchover under way. */
  failoverState?: { status: string; fromArn: string; toArn: string; allowDataLoss: boolean };
}

/** The newest AuroraGlobalDBRPOLag of a secondary, converted to seconds. */
export interface RpoLagReading {
  lagSeconds: number | null;
  measuredAt?: string;
}

/** The reader instance a protection adds to its secondary. */
export const readerInstanceId = (clusterId: string): string => `${clusterId}-reader`;
/** The default global cluster of a source. */
export const defaultGlobalClusterId = (sourceClusterId: string): string => `${sourceClusterId}-global`;
export const DEFAULT_READER_CLASS = 'db.r6g.large';

/** Whether a database request names clusters (the Aurora path) rather than instances. */
export function namesCluster(request: unknown): boolean {
  const sides = request && typeof request === 'object' ? Object.values(request as Record<string, unknown>) : [];
  return sides.some((s) => !!s && typeof s === 'object' && 'dbClusterIdentifier' in s);
}
