/**
 * Public shapes of `SetupPeeringMesh`, `PlanPeeringMesh` and `TeardownPeeringMesh` (README,
^ * "Networks of many VPCs: meshes"). Plain JSON, so `temporal workflow start --input-file` works.
 */
import type { QuotaName, QuotaSource, RegionQuotas } from '../aws/quotas';
import type { AllowRule, PeeringSide } from '../peering/types';
import { type ResourceRef } from '../aws/resource-ref';

/** `"full-mesh"` peers every pair; `{ hub }` peers every other VPC with the hub only. */
export type MeshTopology = 'full-mesh' | { hub: string };

export interface MeshRequest {
  /** Short names (`[a-z0-9-]`) to setup sides: `cidrBlock` creates a VPC, `vpcId` uses one. */
  vpcs: Record<string, PeeringSide>;
  topology: MeshTopology;
  /** Admitted between every peered pair, from the peer's whole CIDR. */
  allow: AllowRule[];
  /** @default true */
  dnsResolution?: boolean;
  tags?: Record<string, string>;
  /**
   * Pairs set up at once. At most 25: AWS allows 25 outstanding peering requests per VPC.
   * @default 4
   */
  maxConcurrent?: number;
  /** @default "rollback" */
  onFailure?: 'rollback' | 'keep';
  /**
   * The first NACL rule number the mesh gives out; each pair gets its own range above it.
   * @default 900
   */
  naclRuleBase?: number;
  /**
   * Pairs one run of the parent sets up before it continues as new, which keeps its history
   * bounded (about 7 events per pair).
   * @default 100
   */
  pairsPerRun?: number;
}

/** A route table as the plan counts it: its non-propagated IPv4 routes. */
export interface RouteTableState {
  id: string;
  routes: Array<{ destination: string; target: string }>;
}

/** A network ACL as the plan counts it: the rule numbers of its IPv4 entries, per direction. */
export interface NetworkAclState {
  id: string;
  isDefault: boolean;
  ingress: number[];
  egress: number[];
}

/** What AWS holds for one VPC of the mesh before any change. */
export interface MeshVpcState {
  key: string;
  region: string;
  /** Absent when the mesh is to create the VPC. */
  vpcId?: string;
  cidrBlock: string;
  /** Every IPv4 CIDR of an existing VPC, the primary first (its pairs route and admit each). */
  cidrBlocks?: string[];
  /** Made by an earlier run of the same mesh (found by its tags). */
  madeByMesh: boolean;
  /** The tables the pairs will route: those the side names (by id or tags), else every table of the VPC. */
  routeTables: RouteTableState[];
  networkAcls: NetworkAclState[];
  /** Peerings of this VPC that are active or on their way to it. */
  livePeeringIds: string[];
}

/** A peering an earlier run of this mesh made, found by its pair's setup tag. */
export interface MeshPeeringState {
  setupWorkflowId: string;
  peeringConnectionId: string;
  status: string;
  /** The NACL rule range recorded on it (`vpc-peering:nacl-rules`). */
  naclRules?: [number, number];
}

export interface MeshState {
  vpcs: Record<string, MeshVpcState>;
  peerings: MeshPeeringState[];
}

/** One quota figure of one VPC: what there is, and what there will be once the mesh is set up. */
export interface MeshFigure {
  quota: QuotaName;
  code: string;
  /** Which table, ACL and direction, or group, it counts. */
  scope: string;
  existing: number;
  planned: number;
  limit: number;
  source: QuotaSource;
  /** At or past 80% of the limit. */
  tight: boolean;
  over: boolean;
}

export interface MeshVpcPlan {
  key: string;
  region: string;
  vpcId?: string;
  cidrBlock: string;
  /** The mesh creates it in this run. */
  create: boolean;
  peers: string[];
  figures: MeshFigure[];
}

export interface PlannedPair {
  between: [string, string];
  setupWorkflowId: string;
  /** First NACL rule number of the pair; it owns `naclRuleBase`…`naclRuleBase + naclRuleWidth - 1`. */
  naclRuleBase: number;
  /** NACL rule numbers the pair takes: the mesh's width, times the most CIDRs either VPC has. */
  naclRuleWidth?: number;
  /** An active peering of this pair is already there: the pair is not set up again. */
  alreadyThere: boolean;
  peeringConnectionId?: string;
}

export interface QuotaViolation {
  vpc: string;
  quota: QuotaName;
  code: string;
  scope: string;
  count: number;
  limit: number;
  message: string;
}

export interface MeshPlan {
  topology: MeshTopology;
  pairs: PlannedPair[];
  vpcs: MeshVpcPlan[];
  /** The values used, per region. */
  quotas: Record<string, RegionQuotas>;
  /** NACL rule numbers a pair of one-CIDR VPCs takes (a pair with secondary CIDRs says its own). */
  naclRuleWidth: number;
  violations: QuotaViolation[];
}

export interface MeshPeering {
  between: [string, string];
  peeringConnectionId: string;
  setupWorkflowId: string;
  /** Made by an earlier run; this run left it as it was. */
  alreadyThere: boolean;
}

export interface MeshResult {
  vpcs: Record<string, { region: string; vpcId: string; cidrBlock: string }>;
  peerings: MeshPeering[];
  plan: MeshPlan;
  /** The VPCs (and subnets) this run made. */
  created: ResourceRef[];
  /** What this run found already there and left alone: VPC keys and pair setup ids. */
  alreadyThere: { vpcs: string[]; peerings: string[] };
}

export interface MeshProgress {
  step: 'validate' | 'plan' | 'vpcs' | 'pairs' | 'rollback' | 'done';
  pairsDone: number;
  pairsTotal: number;
  /** The setup ids of the pairs running now. */
  running: string[];
}

export interface MeshTeardownRequest {
  meshWorkflowId: string;
}

export interface MeshTeardownProgress {
  step: 'locate' | 'pairs' | 'vpcs' | 'done';
  pairsDone: number;
  pairsTotal: number;
}

/** The registered workflow type names: each is the exported workflow function's name. */
export const MeshWorkflows = {
  SetupPeeringMesh: 'SetupPeeringMesh',
  PlanPeeringMesh: 'PlanPeeringMesh',
  TeardownPeeringMesh: 'TeardownPeeringMesh',
} as const;
