/**
 * Public shapes of the workflows' inputs and results (README, "The workflows"). Everything here is plain
 * JSON so that `temporal workflow start --input-file` works.
 */

import type { SideAccess } from '../aws/access';
import type { ResourceRef } from '../aws/resource-ref';

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
  /** @default every route table of the VPC (or those with `routeTableTags`) */
  routeTableIds?: string[];
  /**
   * Only the VPC's route tables that carry every one of these tags get routes; its main table too,
   * but only when it carries them. An alternative to `routeTableIds`.
   * @default every route table of the VPC
   */
  routeTableTags?: Record<string, string>;
  /** Subnets to create in a new VPC. */
  subnets?: SubnetSpec[];
  /** Role to assume for every call of this side: a side in another account. */
  roleArn?: string;
  /**
   * With `flowLogs`, the delivery role for this side's flow log, when it is not the request's
   * `flowLogsRoleArn` (a side in another account needs a role of that account).
   */
  flowLogsRoleArn?: string;
  /** Passed to sts:AssumeRole with `roleArn`, when the role's trust policy asks for one. */
  externalId?: string;
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
  /**
   * Route and admit IPv6 as well: both VPCs must have an IPv6 CIDR block (a created VPC gets an
   * Amazon-provided /56), and each side routes and admits the peer's IPv6 block too.
   * @default false
   */
  ipv6?: boolean;
  /**
   * Adopt this existing active peering between the two VPCs (both given by `vpcId`) instead of
   * requesting one: the setup adds only routes, groups and NACL entries, and teardown never
   * deletes the peering.
   */
  peeringConnectionId?: string;
}

export interface SideResult {
  region: string;
  vpcId: string;
  /** The VPC's primary IPv4 CIDR. */
  cidrBlock: string;
  /** Every IPv4 CIDR of the VPC that the peer routes and admits (the primary first). */
  cidrBlocks: string[];
  /** With `ipv6`: the VPC's IPv6 blocks, routed and admitted too. */
  ipv6CidrBlocks?: string[];
  /** The account that owns the VPC. */
  accountId?: string;
  routeTableIds: string[];
  securityGroupId: string;
  networkAclIds: string[];
}

export interface PeeringResult {
  peeringConnectionId: string;
  status: 'active';
  /** The request adopted an existing peering: the setup did not create it, and teardown leaves it. */
  peeringAdopted?: boolean;
  requester: SideResult;
  accepter: SideResult;
  created: ResourceRef[];
}

export interface SetupProgress {
  step: string;
  completed: string[];
  created: ResourceRef[];
}

/** The roles of sides in other accounts, as a locator (or a teardown by peering id) names them. */
export interface SideRoles {
  requesterRoleArn?: string;
  accepterRoleArn?: string;
  requesterExternalId?: string;
  accepterExternalId?: string;
}

/**
 * By peering id, the side roles are for when the setup's own history is gone; otherwise they are
 * read from the setup that the peering's tag names.
 */
export type TeardownRequest =
  | { setupWorkflowId: string }
  | ({
      peeringConnectionId: string;
      requesterRegion: string;
      accepterRegion: string;
    } & SideRoles);

export interface TeardownResult {
  deleted: ResourceRef[];
  alreadyGone: ResourceRef[];
  /** An adopted peering, which teardown never deletes: left as it was, and why. */
  keptPeering?: { peeringConnectionId: string; region: string; reason: string };
}

/** Where a setup's resources live and how they are recognised; derived from a setup or a peering. */
export interface SetupLocator extends SideRoles {
  setupId?: string;
  peeringConnectionId?: string;
  requesterRegion: string;
  accepterRegion: string;
  /** The session name for the sides' roles (see access.ts): the setup's. */
  roleSessionName?: string;
  /** The peering the setup adopted rather than made: never deleted. */
  adoptedPeeringId?: string;
  /**
   * Peerings the setup is known to have made (from its recorded result), so that its routes and
   * NACL entries are found through them even once AWS no longer lists the peering.
   */
  knownPeeringIds?: string[];
  /**
   * The VPCs, subnets and groups the setup's recorded result says it made. AWS may not list one
   * made moments ago by tag yet, so the inventory looks those up by id too.
   */
  knownRefs?: ResourceRef[];
}

/** A side's access as a setup locator (teardown, drill, inventory) carries it. */
export function locatorAccess(locator: SetupLocator, side: 'requester' | 'accepter'): SideAccess {
  const roleArn = side === 'requester' ? locator.requesterRoleArn : locator.accepterRoleArn;
  const externalId = side === 'requester' ? locator.requesterExternalId : locator.accepterExternalId;
  if (!roleArn) return {};
  return {
    roleArn,
    ...(externalId ? { externalId } : {}),
    ...(locator.roleSessionName ? { roleSessionName: locator.roleSessionName } : {}),
  };
}

export type SideRole = 'requester' | 'accepter';

export interface VpcState {
  region: string;
  vpcId: string;
  /** The primary IPv4 CIDR. */
  cidrBlock: string;
  /** Every associated IPv4 CIDR, the primary first; absent in runs from before secondary CIDRs. */
  cidrBlocks?: string[];
  /** Every associated IPv6 block; absent when the VPC has none. */
  ipv6CidrBlocks?: string[];
  /**
   * The ones the request named, or every table of an existing VPC; unset for a VPC the setup made
   * (all of its tables).
   */
  routeTableIds?: string[];
  networkAclIds?: string[];
  ownerId?: string;
}

/** A setup as Temporal recorded it: its input, and its result once it completed. */
export interface SetupRecord {
  locator: SetupLocator;
  request: PeeringRequest;
  result?: PeeringResult;
}

/** The peering to drill: the setup that made it, or the peering itself. */
export type PeeringTarget =
  { setupWorkflowId: string } | { peeringConnectionId: string; requesterRegion: string; accepterRegion: string };

/** The registered workflow type names: each is the exported workflow function's name. */
export const PeeringWorkflows = {
  SetupInterRegionPeering: 'SetupInterRegionPeering',
  TeardownInterRegionPeering: 'TeardownInterRegionPeering',
} as const;

export interface PeeringEnd extends SideAccess {
  region: string;
  vpcId: string;
  /** The account that owns the VPC; read through the side's role when unknown. */
  ownerId?: string;
}

export interface RequestPeeringInput {
  setupId: string;
  requester: PeeringEnd;
  accepter: PeeringEnd;
  tags: Record<string, string>;
  /** The span of NACL rule numbers the setup's entries use, `first-last`, recorded on the peering. */
  naclRules: string;
}

export interface PeeringState {
  peeringConnectionId: string;
  status: string;
  message?: string;
  requesterDnsResolution: boolean;
  accepterDnsResolution: boolean;
}

export interface PeeringRef extends SideAccess {
  peeringConnectionId: string;
  region: string;
}

export interface DnsInput extends PeeringRef {
  side: SideRole;
}

export interface EstablishPeeringInput {
  peeringConnectionId: string;
  requester: { region: string } & SideAccess;
  accepter: { region: string } & SideAccess;
  dnsResolution: boolean;
}
