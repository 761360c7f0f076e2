/**
 * What a failover reads back from AWS and reports: capacity, what did not answer, routing-control
 * states. Apart from types.ts only for its length; types.ts re-exports them.
 */
/** A group's or service's capacity as AWS reports it. */
export interface CapacityState {
  exists: boolean;
  /** DesiredCapacity of a group, desiredCount of a service. */
  desired: number;
  /** InService and Healthy instances of a group; running tasks of a service. */
  inService: number;
  /** Instances still launching, or tasks pending. */
  pending: number;
  /** Auto Scaling only. */
  minSize?: number;
  maxSize?: number;
  /** Why it cannot scale now (an ECS service that is DRAINING or INACTIVE). */
  blocked?: string;
  /** Auto Scaling only: the bounds an earlier failover moved, as they were before (from the group's tags). */
  boundsBefore?: { minSize?: number; maxSize?: number };
}

export interface SizeChange {
  from: number;
  to: number;
}

/** The bounds of a group that must move so that the desired capacity is allowed. */
export interface BoundsChange {
  minSize?: SizeChange;
  maxSize?: SizeChange;
}

/** A check in a region that did not answer at all within the probe's bound. */
export interface Unreachable {
  region: string;
  /** The API, as IAM names it: ec2, rds, route53, autoscaling, ecs, route53-recovery-cluster, cloudwatch. */
  service: string;
  /** What could not be checked, e.g. "route tables of vpc-0abc". */
  check: string;
  /** How long it waited before giving up. */
  waitedMs: number;
  error: string;
}

export type RoutingControlState = 'On' | 'Off';

/** A cluster endpoint that was tried and skipped, and why. */
export interface EndpointMiss {
  region: string;
  endpoint: string;
  error: string;
  waitedMs: number;
}

export interface RoutingControlChange {
  routingControlArn: string;
  state: RoutingControlState;
  region: string;
  endpoint: string;
  skipped: EndpointMiss[];
  /** Which attempt of the activity made the change; above 1 means every endpoint failed before. */
  attempt: number;
}
