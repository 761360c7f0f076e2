/**
 * Public shapes of the workflows' inputs and results (see CONTRACT.md). Everything here is plain
 * JSON so that `temporal workflow start --input-file` works.
 */

export type Protocol = 'tcp' | 'udp' | 'icmp';

export interface AllowRule {
  protocol: Protocol;
  /** For icmp: the ICMP type, or -1 for all types. */
  fromPort: number;
  /** For icmp: the ICMP code, or -1 for all codes. */
  toPort: number;
  description?: string;
  /**
   * Narrows the source to a range inside one side's CIDR; the rule then applies on the other side.
   * @default the peer's whole CIDR
   */
  cidrBlock?: string;
}

export interface SubnetSpec {
  cidrBlock: string;
  availabilityZone: string;
}

export interface PeeringSide {
  region: string;
  /** Create a VPC with this CIDR. Exactly one of `cidrBlock` and `vpcId`. */
  cidrBlock?: string;
  /** Use this existing VPC; it is never deleted. */
  vpcId?: string;
  /** Name tag for a created VPC and a prefix for its other resources. */
  name?: string;
  /** @default every route table of the VPC */
  routeTableIds?: string[];
  /** Subnets to create in a new VPC. */
  subnets?: SubnetSpec[];
  /** Role to assume for a side in another account. */
  roleArn?: string;
  /**
   * With `flowLogs`, the delivery role for this side's flow log, when it is not the request's
   * `flowLogsRoleArn` (a side in another account needs a role of that account).
   */
  flowLogsRoleArn?: string;
}

export interface PeeringRequest {
  requester: PeeringSide;
  accepter: PeeringSide;
  allow: AllowRule[];
  /** @default true */
  dnsResolution?: boolean;
  tags?: Record<string, string>;
  /** @default "rollback" */
  onFailure?: 'rollback' | 'keep';
  /** @default 900 */
  naclRuleBase?: number;
  /**
   * VPC flow logs (format v5, with traffic-path) for each side, into a CloudWatch Logs group per
   * side, so the cost report can say which ports the peering's bytes went to. @default false
   */
  flowLogs?: boolean;
  /**
   * The role VPC Flow Logs assumes to write to CloudWatch Logs; needed with `flowLogs`. It trusts
   * `vpc-flow-logs.amazonaws.com` and may create log streams and put log events.
   */
  flowLogsRoleArn?: string;
}

export type ResourceType =
  'vpc' | 'subnet' | 'peering-connection' | 'route' | 'security-group' | 'network-acl-entry' | 'flow-log' | 'log-group';

export interface ResourceRef {
  type: ResourceType;
  region: string;
  /** The AWS id; for a route the route table id, for a NACL entry the network ACL id, for a log group its name. */
  id: string;
  destinationCidrBlock?: string;
  ruleNumber?: number;
  egress?: boolean;
  /** For a peering connection: the accepter region. */
  peerRegion?: string;
  /**
   * For a route: the peering it points at; a route pointing elsewhere is never deleted. For a NACL
   * entry: the peering whose record on the ACL lists it (absent for entries of older setups).
   */
  target?: string;
}

export interface SideResult {
  region: string;
  vpcId: string;
  cidrBlock: string;
  routeTableIds: string[];
  securityGroupId: string;
  networkAclIds: string[];
}

export interface PeeringResult {
  peeringConnectionId: string;
  status: 'active';
  requester: SideResult;
  accepter: SideResult;
  created: ResourceRef[];
}

export interface SetupProgress {
  step: string;
  completed: string[];
  created: ResourceRef[];
}

export type TeardownRequest =
  { setupWorkflowId: string } | { peeringConnectionId: string; requesterRegion: string; accepterRegion: string };

export interface TeardownResult {
  deleted: ResourceRef[];
  alreadyGone: ResourceRef[];
}

/** Where a setup's resources live and how they are recognised; derived from a setup or a peering. */
export interface SetupLocator {
  setupId?: string;
  peeringConnectionId?: string;
  requesterRegion: string;
  accepterRegion: string;
  requesterRoleArn?: string;
  accepterRoleArn?: string;
  /**
   * Peerings the setup is known to have made (from its recorded result), so that its routes and
   * NACL entries are found through them even once AWS no longer lists the peering.
   */
  knownPeeringIds?: string[];
}
