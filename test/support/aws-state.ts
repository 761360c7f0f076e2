/** Reads moto's state directly, for THEN checks: what a setup id left behind in a region. */
import {
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  type Tag,
} from '@aws-sdk/client-ec2';
import { SETUP_ID_TAG } from '../../src/domain/aws/tags';
import { ec2In } from './accounts';

const tagged = (tags: Tag[] | undefined, setupId: string) =>
  tags?.some((t) => t.Key === SETUP_ID_TAG && t.Value === setupId) ?? false;

export interface TaggedResources {
  vpcs: string[];
  subnets: string[];
  securityGroups: string[];
  /** Peerings not in a deleted/rejected state. */
  livePeerings: string[];
}

/**
 * Everything carrying the setup tag in a region (of `account`, the worker's own when absent). moto
 * ignores some filters, so filter in code.
 */
export async function taggedResources(region: string, setupId: string, account?: string): Promise<TaggedResources> {
  const client = ec2In(region, account);
  const [vpcs, subnets, groups, peerings] = await Promise.all([
    client.send(new DescribeVpcsCommand({})),
    client.send(new DescribeSubnetsCommand({})),
    client.send(new DescribeSecurityGroupsCommand({})),
    client.send(new DescribeVpcPeeringConnectionsCommand({})),
  ]);
  return {
    vpcs: (vpcs.Vpcs ?? []).filter((v) => tagged(v.Tags, setupId)).map((v) => v.VpcId!),
    subnets: (subnets.Subnets ?? []).filter((s) => tagged(s.Tags, setupId)).map((s) => s.SubnetId!),
    securityGroups: (groups.SecurityGroups ?? []).filter((g) => tagged(g.Tags, setupId)).map((g) => g.GroupId!),
    livePeerings: (peerings.VpcPeeringConnections ?? [])
      .filter((p) => tagged(p.Tags, setupId) && !['deleted', 'rejected', 'deleting'].includes(p.Status?.Code ?? ''))
      .map((p) => p.VpcPeeringConnectionId!),
  };
}

export function countTagged(r: TaggedResources): number {
  return r.vpcs.length + r.subnets.length + r.securityGroups.length + r.livePeerings.length;
}

/** Routes that point at any of the given peerings, across every table in the region (of `account`). */
export async function routesVia(region: string, peeringIds: string[], account?: string): Promise<string[]> {
  const out = await ec2In(region, account).send(new DescribeRouteTablesCommand({}));
  return (out.RouteTables ?? []).flatMap((t) =>
    (t.Routes ?? [])
      .filter((r) => r.VpcPeeringConnectionId && peeringIds.includes(r.VpcPeeringConnectionId))
      .map((r) => `${t.RouteTableId} ${r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock}`),
  );
}

/**
 * A VPC's route tables and network ACLs with their tags, as sorted lines `rtb main|other k=v,…` and
 * `acl default|other k=v,…`. The NACL record's keys (`vpc-peering:nacl-…`) are left out: they are the
 * side rules' record, not a claim.
 */
export async function tableTags(region: string, vpcId: string, account?: string): Promise<string[]> {
  const client = ec2In(region, account);
  const byVpc = { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] };
  const [tables, acls] = await Promise.all([
    client.send(new DescribeRouteTablesCommand(byVpc)),
    client.send(new DescribeNetworkAclsCommand(byVpc)),
  ]);
  const tags = (t: Tag[] | undefined) =>
    (t ?? [])
      .filter((x) => !x.Key?.startsWith('vpc-peering:nacl-'))
      .map((x) => `${x.Key}=${x.Value}`)
      .sort()
      .join(',');
  return [
    ...(tables.RouteTables ?? [])
      .filter((t) => t.VpcId === vpcId)
      .map((t) => `rtb ${t.Associations?.some((a) => a.Main) ? 'main' : 'other'} ${tags(t.Tags)}`),
    ...(acls.NetworkAcls ?? [])
      .filter((a) => a.VpcId === vpcId)
      .map((a) => `acl ${a.IsDefault ? 'default' : 'other'} ${tags(a.Tags)}`),
  ].sort();
}

/**
 * A VPC's route tables and routes, NACL entries and tags, and security groups with their rules, as sorted
 * lines: equal snapshots prove a VPC was "left as before" (an empty group still shows by its id).
 */
export async function vpcSnapshot(region: string, vpcId: string, account?: string): Promise<string[]> {
  const client = ec2In(region, account);
  const filter = { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] };
  const [tables, acls, groups] = await Promise.all([
    client.send(new DescribeRouteTablesCommand(filter)),
    client.send(new DescribeNetworkAclsCommand(filter)),
    client.send(new DescribeSecurityGroupsCommand(filter)),
  ]);
  const lines = [
    ...(tables.RouteTables ?? [])
      .filter((t) => t.VpcId === vpcId)
      .flatMap((t) => [
        `table ${t.RouteTableId}`,
        ...(t.Routes ?? []).map(
          (r) =>
            `route ${t.RouteTableId} ${r.DestinationCidrBlock} ${r.VpcPeeringConnectionId ?? r.GatewayId ?? r.NatGatewayId ?? ''} ${r.State ?? ''}`,
        ),
      ]),
    ...(acls.NetworkAcls ?? [])
      .filter((a) => a.VpcId === vpcId)
      .flatMap((a) => (a.Tags ?? []).map((t) => `nacl ${a.NetworkAclId} tag ${t.Key}=${t.Value}`)),
    ...(acls.NetworkAcls ?? [])
      .filter((a) => a.VpcId === vpcId)
      .flatMap((a) =>
        (a.Entries ?? []).map(
          (e) =>
            `nacl ${a.NetworkAclId} ${e.Egress ? 'egress' : 'ingress'} ${e.RuleNumber} ${e.Protocol} ${e.RuleAction} ${e.CidrBlock} ${e.PortRange?.From ?? ''}-${e.PortRange?.To ?? ''}`,
        ),
      ),
    ...(groups.SecurityGroups ?? [])
      .filter((g) => g.VpcId === vpcId)
      .flatMap((g) => [
        `sg ${g.GroupId}`,
        ...(g.IpPermissions ?? []).flatMap((p) =>
          (p.IpRanges ?? []).map(
            (r) => `sg ${g.GroupId} ingress ${p.IpProtocol} ${p.FromPort}-${p.ToPort} ${r.CidrIp}`,
          ),
        ),
        ...(g.IpPermissionsEgress ?? []).flatMap((p) =>
          (p.IpRanges ?? []).map((r) => `sg ${g.GroupId} egress ${p.IpProtocol} ${p.FromPort}-${p.ToPort} ${r.CidrIp}`),
        ),
      ]),
  ];
  return lines.sort();
}
