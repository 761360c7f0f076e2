/**
 * GIVEN steps for real organisations' VPCs, made straight on moto (in either account): secondary
 * CIDRs, an Amazon-provided IPv6 block, route tables tagged by tier, a peering made outside the
 * tool. And the THEN reads: a table's routes, a group's rules, an ACL's entries, in any account.
 */
import {
  AcceptVpcPeeringConnectionCommand,
  AssociateVpcCidrBlockCommand,
  CreateRouteTableCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  ModifyVpcAttributeCommand,
  type Route,
} from '@aws-sdk/client-ec2';
import { ec2In } from './accounts';

export interface VpcSpec {
  region: string;
  cidrBlock: string;
  secondary?: string[];
  ipv6?: boolean;
  account?: string;
}

/** An existing VPC made outside the tool, with DNS hostnames on; answers its id and IPv6 block. */
export async function existingNetwork(spec: VpcSpec): Promise<{ vpcId: string; ipv6?: string }> {
  const ec2 = ec2In(spec.region, spec.account);
  const vpc = (
    await ec2.send(
      new CreateVpcCommand({ CidrBlock: spec.cidrBlock, ...(spec.ipv6 ? { AmazonProvidedIpv6CidrBlock: true } : {}) }),
    )
  ).Vpc!;
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableDnsHostnames: { Value: true } }));
  for (const cidr of spec.secondary ?? []) {
    await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpc.VpcId, CidrBlock: cidr }));
  }
  const ipv6 = vpc.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
  return { vpcId: vpc.VpcId!, ...(ipv6 ? { ipv6 } : {}) };
}

/** A route table of the VPC carrying these tags (a subnet tier's table). */
export async function taggedTable(
  region: string,
  vpcId: string,
  tags: Record<string, string>,
  account?: string,
): Promise<string> {
  const out = await ec2In(region, account).send(
    new CreateRouteTableCommand({
      VpcId: vpcId,
      TagSpecifications: [
        { ResourceType: 'route-table', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  return out.RouteTable!.RouteTableId!;
}

/** A peering requested and accepted outside the tool (no setup tag), between two existing VPCs. */
export async function peeringMadeOutside(
  requester: { region: string; vpcId: string },
  accepter: { region: string; vpcId: string },
  accept = true,
): Promise<string> {
  const pcx = (
    await ec2In(requester.region).send(
      new CreateVpcPeeringConnectionCommand({
        VpcId: requester.vpcId,
        PeerVpcId: accepter.vpcId,
        PeerRegion: accepter.region,
        TagSpecifications: [
          { ResourceType: 'vpc-peering-connection', Tags: [{ Key: 'Owner', Value: 'network-team' }] },
        ],
      }),
    )
  ).VpcPeeringConnection!.VpcPeeringConnectionId!;
  if (accept) await ec2In(accepter.region).send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  return pcx;
}

const destinationOf = (r: Route) => r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId;

/** `destination → target` of each route in the tables, per table. */
export async function routesOf(
  region: string,
  tableIds: string[],
  account?: string,
): Promise<Record<string, string[]>> {
  const out = await ec2In(region, account).send(new DescribeRouteTablesCommand({ RouteTableIds: tableIds }));
  return Object.fromEntries(
    (out.RouteTables ?? []).map((t) => [
      t.RouteTableId!,
      (t.Routes ?? []).map((r) => `${destinationOf(r)} → ${r.VpcPeeringConnectionId ?? r.GatewayId ?? '?'}`).sort(),
    ]),
  );
}

/** A group's rules, as `in|out protocol from-to cidr` lines, IPv4 and IPv6. */
export async function groupRules(region: string, groupId: string, account?: string): Promise<string[]> {
  const g = (await ec2In(region, account).send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
    .SecurityGroups![0]!;
  const lines = (dir: string, perms: typeof g.IpPermissions) =>
    (perms ?? []).flatMap((p) =>
      [...(p.IpRanges ?? []).map((r) => r.CidrIp), ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)].map(
        (cidr) => `${dir} ${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''} ${cidr}`,
      ),
    );
  return [...lines('in', g.IpPermissions), ...lines('out', g.IpPermissionsEgress)].sort();
}

/** An ACL's entries numbered from `from` up, as `in|out number protocol from-to cidr` lines. */
export async function aclEntries(region: string, aclId: string, from = 900, account?: string): Promise<string[]> {
  const acl = (await ec2In(region, account).send(new DescribeNetworkAclsCommand({ NetworkAclIds: [aclId] })))
    .NetworkAcls![0]!;
  return (acl.Entries ?? [])
    .filter((e) => e.RuleNumber! >= from && e.RuleNumber! < 32767)
    .map(
      (e) =>
        `${e.Egress ? 'out' : 'in'} ${e.RuleNumber} ${e.Protocol} ${e.PortRange?.From ?? ''}-${e.PortRange?.To ?? ''} ${e.CidrBlock ?? e.Ipv6CidrBlock}`,
    )
    .sort();
}

/** The VPC's IPv6 block, as AWS reports it. */
export async function ipv6Of(region: string, vpcId: string, account?: string): Promise<string | undefined> {
  const vpc = (await ec2In(region, account).send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0];
  return vpc?.Ipv6CidrBlockAssociationSet?.find((a) => a.Ipv6CidrBlockState?.State === 'associated')?.Ipv6CidrBlock;
}

/** The VPC's main route table. */
export async function mainTableOf(region: string, vpcId: string, account?: string): Promise<string> {
  const out = await ec2In(region, account).send(
    new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
  );
  const main = out.RouteTables?.find((t) => t.VpcId === vpcId && t.Associations?.some((a) => a.Main));
  if (!main) throw new Error(`${vpcId} has no main route table`);
  return main.RouteTableId!;
}
