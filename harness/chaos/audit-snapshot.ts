/**
 * Everything the chaos audit reads from one region of moto, listed whole: moto ignores some
 * Describe filters, so the audits filter here. Plus the small list helpers they share.
 */
import {
  type EC2Client,
  paginateDescribeNetworkAcls,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  type NetworkAcl,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Tag,
  type Vpc,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';

export interface RegionSnapshot {
  region: string;
  vpcs: Vpc[];
  subnets: Subnet[];
  groups: SecurityGroup[];
  peerings: VpcPeeringConnection[];
  tables: RouteTable[];
  acls: NetworkAcl[];
}

export const GONE_PEERING = new Set(['deleted', 'rejected', 'failed', 'expired']);

async function all<P, T>(pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

export const tagOf = (tags: Tag[] | undefined, key: string) => tags?.find((t) => t.Key === key)?.Value;

export async function snapshotRegion(ec2: EC2Client, region: string): Promise<RegionSnapshot> {
  const client = { client: ec2 };
  const [vpcs, subnets, groups, peerings, tables, acls] = await Promise.all([
    all(paginateDescribeVpcs(client, {}), (p) => p.Vpcs),
    all(paginateDescribeSubnets(client, {}), (p) => p.Subnets),
    all(paginateDescribeSecurityGroups(client, {}), (p) => p.SecurityGroups),
    all(paginateDescribeVpcPeeringConnections(client, {}), (p) => p.VpcPeeringConnections),
    all(paginateDescribeRouteTables(client, {}), (p) => p.RouteTables),
    all(paginateDescribeNetworkAcls(client, {}), (p) => p.NetworkAcls),
  ]);
  return { region, vpcs, subnets, groups, peerings, tables, acls };
}

export function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}

export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}
