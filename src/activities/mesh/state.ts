import {
  DescribeVpcsCommand,
  paginateDescribeNetworkAcls,
  paginateDescribeRouteTables,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  type EC2Client,
  type NetworkAcl,
  type Route,
  type RouteTable,
  type Vpc,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import type { MeshPeeringState, MeshVpcState, NetworkAclState, RouteTableState } from '../../domain/mesh/types';
import { accessOf, type SideAccess } from '../../domain/aws/access';
import { isPeeringDead } from '../../domain/aws/peering-states';
import type { RegionQuotas } from '../../domain/aws/quotas';
import { MESH_ID_TAG, NACL_RULES_TAG, SETUP_ID_TAG, SIDE_TAG } from '../../domain/aws/tags';
import type { AwsClients } from '../aws/clients';
import { carriesTags, collect, describeTags, hasSetupTag, setupFilter, tagValue } from '../ec2/helpers';
import { isNotFound, nonRetryable } from '../aws/errors';
import { readVpcQuotas } from './service-quotas';
import { vpcCidrs } from '../ec2/vpc';
import { FailureTypes } from '../../domain/failure-types';

export interface MeshRegionInput extends SideAccess {
  region: string;
  meshId: string;
  vpcs: Array<{ key: string; vpcId?: string; routeTableIds?: string[]; routeTableTags?: Record<string, string> }>;
  /**
   * The setup ids of the mesh's pairs whose requester is here; their peerings are looked up, and
   * so are any others tagged with the mesh (pairs an earlier request had).
   */
  pairIds: string[];
}

export interface MeshRegionState {
  vpcs: MeshVpcState[];
  peerings: MeshPeeringState[];
  quotas: RegionQuotas;
}

function routeTarget(r: Route): string {
  return (
    r.VpcPeeringConnectionId ??
    r.GatewayId ??
    r.NatGatewayId ??
    r.TransitGatewayId ??
    r.NetworkInterfaceId ??
    r.InstanceId ??
    'another target'
  );
}

/** Non-propagated IPv4 routes: what counts against routes per table (IPv6 is counted apart). */
function tableState(t: RouteTable): RouteTableState {
  const routes = (t.Routes ?? [])
    .filter((r) => r.Origin !== 'EnableVgwRoutePropagation' && (r.DestinationCidrBlock ?? r.DestinationPrefixListId))
    .map((r) => ({ destination: (r.DestinationCidrBlock ?? r.DestinationPrefixListId)!, target: routeTarget(r) }));
  return { id: t.RouteTableId!, routes };
}

/** IPv4 entries per direction, the default deny included: what counts against rules per ACL. */
function aclState(a: NetworkAcl): NetworkAclState {
  const ipv4 = (a.Entries ?? []).filter((e) => e.CidrBlock);
  return {
    id: a.NetworkAclId!,
    isDefault: Boolean(a.IsDefault),
    ingress: ipv4.filter((e) => !e.Egress).map((e) => e.RuleNumber!),
    egress: ipv4.filter((e) => e.Egress).map((e) => e.RuleNumber!),
  };
}

async function describeVpc(ec2: EC2Client, vpcId: string): Promise<Vpc | undefined> {
  try {
    return (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.find((v) => v.VpcId === vpcId);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Every peering with one of the VPCs on either end; moto ignores these filters, so check in code too. */
async function peeringsOf(ec2: EC2Client, vpcIds: string[]): Promise<VpcPeeringConnection[]> {
  const byEnd = (name: string) =>
    collect(
      paginateDescribeVpcPeeringConnections({ client: ec2 }, { Filters: [{ Name: name, Values: vpcIds }] }),
      (p) => p.VpcPeeringConnections,
    );
  const [asRequester, asAccepter] = await Promise.all([
    byEnd('requester-vpc-info.vpc-id'),
    byEnd('accepter-vpc-info.vpc-id'),
  ]);
  const unique = new Map([...asRequester, ...asAccepter].map((p) => [p.VpcPeeringConnectionId!, p]));
  return [...unique.values()].filter(
    (p) => vpcIds.includes(p.RequesterVpcInfo?.VpcId ?? '') || vpcIds.includes(p.AccepterVpcInfo?.VpcId ?? ''),
  );
}

function ruleRange(p: VpcPeeringConnection): [number, number] | undefined {
  const m = /^(\d+)-(\d+)$/.exec(tagValue(p.Tags, NACL_RULES_TAG) ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function createMeshStateActivities(clients: AwsClients) {
  /**
   * Read-only: what the mesh's VPCs in one region (and account) hold now, for the plan. Existing
   * VPCs by id; VPCs an earlier run of the mesh made, by its tags; their route tables, NACL
   * entries and live peerings from paginated Describes; the pairs' earlier peerings; and the
   * account's quota values. A VPC or route table that is not there is bad input.
   */
  async function describeMeshRegion(input: MeshRegionInput): Promise<MeshRegionState> {
    const ec2 = clients.ec2(input.region, accessOf(input));
    const quotas = readVpcQuotas(clients.serviceQuotas(input.region, accessOf(input)));
    const toMake = input.vpcs.filter((v) => !v.vpcId);
    const made = toMake.length
      ? (
          await collect(paginateDescribeVpcs({ client: ec2 }, { Filters: [setupFilter(input.meshId)] }), (p) => p.Vpcs)
        ).filter((v) => hasSetupTag(v.Tags, input.meshId) && tagValue(v.Tags, MESH_ID_TAG) === input.meshId)
      : [];
    const found = await Promise.all(
      input.vpcs.map(async (v) => {
        if (!v.vpcId) return { v, vpc: made.find((m) => tagValue(m.Tags, SIDE_TAG) === v.key), madeByMesh: true };
        const vpc = await describeVpc(ec2, v.vpcId);
        if (!vpc?.CidrBlock) {
          throw nonRetryable(
            FailureTypes.InvalidMeshRequest,
            `vpcs.${v.key}.vpcId: ${v.vpcId} does not exist in ${input.region}`,
          );
        }
        return { v, vpc, madeByMesh: false };
      }),
    );
    const present = found.filter((f): f is typeof f & { vpc: Vpc } => f.vpc !== undefined);
    const ids = present.map((f) => f.vpc.VpcId!);
    const byVpc = { Filters: [{ Name: 'vpc-id', Values: ids }] };
    const [tables, acls, peerings] = ids.length
      ? await Promise.all([
          collect(paginateDescribeRouteTables({ client: ec2 }, byVpc), (p) => p.RouteTables),
          collect(paginateDescribeNetworkAcls({ client: ec2 }, byVpc), (p) => p.NetworkAcls),
          peeringsOf(ec2, ids),
        ])
      : [[], [], []];

    const vpcs = present.map(({ v, vpc, madeByMesh }): MeshVpcState => {
      const id = vpc.VpcId!;
      const own = tables.filter((t) => t.VpcId === id);
      const unknown = (v.routeTableIds ?? []).filter((t) => !own.some((o) => o.RouteTableId === t));
      if (unknown.length) {
        throw nonRetryable(
          FailureTypes.InvalidMeshRequest,
          `vpcs.${v.key}.routeTableIds: ${unknown.join(', ')} not found in ${id}`,
        );
      }
      const routed = v.routeTableIds
        ? own.filter((t) => v.routeTableIds!.includes(t.RouteTableId!))
        : v.routeTableTags
          ? own.filter((t) => carriesTags(t.Tags, v.routeTableTags!))
          : own;
      if (v.routeTableTags && !routed.length) {
        throw nonRetryable(
          FailureTypes.InvalidMeshRequest,
          `vpcs.${v.key}.routeTableTags: no route table of ${id} carries ${describeTags(v.routeTableTags)}`,
        );
      }
      return {
        key: v.key,
        region: input.region,
        vpcId: id,
        cidrBlock: vpc.CidrBlock!,
        ...(vpcCidrs(vpc).cidrBlocks.length > 1 ? { cidrBlocks: vpcCidrs(vpc).cidrBlocks } : {}),
        madeByMesh,
        routeTables: routed.map(tableState),
        networkAcls: acls.filter((a) => a.VpcId === id).map(aclState),
        livePeeringIds: peerings
          .filter((p) => !isPeeringDead(p.Status?.Code))
          .filter((p) => p.RequesterVpcInfo?.VpcId === id || p.AccepterVpcInfo?.VpcId === id)
          .map((p) => p.VpcPeeringConnectionId!),
      };
    });
    // Tags are read where the peering was requested (the accepter's region may not show them).
    const ofMesh = (p: VpcPeeringConnection) =>
      input.pairIds.includes(tagValue(p.Tags, SETUP_ID_TAG) ?? '') ||
      (tagValue(p.Tags, MESH_ID_TAG) === input.meshId && p.RequesterVpcInfo?.Region === input.region);
    const meshPeerings = peerings
      .filter((p) => ofMesh(p) && !isPeeringDead(p.Status?.Code))
      .map((p): MeshPeeringState => {
        const range = ruleRange(p);
        return {
          setupWorkflowId: tagValue(p.Tags, SETUP_ID_TAG)!,
          peeringConnectionId: p.VpcPeeringConnectionId!,
          status: p.Status?.Code ?? 'unknown',
          ...(range ? { naclRules: range } : {}),
        };
      });
    return { vpcs, peerings: meshPeerings, quotas: await quotas };
  }

  return { describeMeshRegion };
}
