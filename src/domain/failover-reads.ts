/**
 * What the failover's read-only activities answer. The activities produce these shapes, the
 * preflight reading in `failover-preflight.ts` interprets them, and the workflow only passes them on.
 */
import type { FailoverRecordType, RecordSnapshot } from './failover-types';

export interface RecordKey {
  hostedZoneId: string;
  recordName: string;
  recordType: FailoverRecordType;
}

export interface RecordRead {
  /** The simple record with this name and type, or null when there is none. */
  record: RecordSnapshot | null;
  /** Set when the name and type exist but not as one simple record (alias, routing policy, duplicates). */
  unsupported?: string;
}

export interface HostedZoneInfo {
  id: string;
  name: string;
  privateZone: boolean;
}

export interface ReplicaState {
  exists: boolean;
  region: string;
  dbInstanceIdentifier: string;
  status?: string;
  /** The instance it replicates from; absent once it is a standalone instance. */
  replicaSource?: string;
  arn?: string;
}

export interface PeeringPathSide {
  region: string;
  vpcId: string;
  /** Route tables of the VPC with an active (not blackhole) route through the peering. */
  routeTablesWithRoute: number;
}

export interface PeeringPathCheck {
  ok: boolean;
  status: string;
  detail: string;
  sides: PeeringPathSide[];
}
