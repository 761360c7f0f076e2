/**
 * What the failover's read-only activities answer, and how to say it. The activities produce these
 * shapes, the preflight reading in `failover-preflight.ts` interprets them, and the workflow only
 * passes them on.
 */
import type { EndpointMiss, FailoverRecordType, RecordSnapshot, RoutingControlState, Unreachable } from './types';

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
  /** A standalone instance's `vpc-peering:promoted-by` and `vpc-peering:promoted-from` tags, when it has them. */
  promotedBy?: string;
  promotedFrom?: string;
}

export interface PeeringPathSide {
  region: string;
  vpcId: string;
  /**
   * Route tables of the VPC with an active (not blackhole) route through the peering; null when
   * the region did not answer.
   */
  routeTablesWithRoute: number | null;
}

export interface PeeringPathCheck {
  /** Active between the two regions, and routed on the target side (and on the source side when it answers). */
  ok: boolean;
  status: string;
  detail: string;
  sides: PeeringPathSide[];
  /** Source-region checks that got no answer; the failover does not need them. */
  unreachable?: Unreachable[];
}

/** Routing-control states as one cluster endpoint answered them; `answered: false` when none did. */
export type RoutingControlRead =
  | {
      answered: true;
      region: string;
      endpoint: string;
      states: Array<{ arn: string; state: RoutingControlState; name?: string }>;
      skipped: EndpointMiss[];
    }
  | { answered: false; skipped: EndpointMiss[] };

/** The service as people name it, for messages. */
const SERVICE_NAMES: Record<string, string> = {
  ec2: 'EC2',
  rds: 'RDS',
  route53: 'Route 53',
  autoscaling: 'Auto Scaling',
  ecs: 'ECS',
  'route53-recovery-cluster': 'Route 53 ARC',
  cloudwatch: 'CloudWatch',
};

export function serviceName(service: string): string {
  return SERVICE_NAMES[service] ?? service;
}

/** "EC2 in us-east-1 did not answer within 3 s (route tables of vpc-0abc)" */
export function describeUnreachable(u: Unreachable): string {
  return `${serviceName(u.service)} in ${u.region} did not answer within ${Math.round(u.waitedMs / 100) / 10} s (${u.check})`;
}

/** A skipped ARC cluster endpoint, as an unreachable check. */
export function endpointUnreachable(m: EndpointMiss): Unreachable {
  return {
    region: m.region,
    service: 'route53-recovery-cluster',
    check: `cluster endpoint ${m.endpoint}`,
    waitedMs: m.waitedMs,
    error: m.error,
  };
}
