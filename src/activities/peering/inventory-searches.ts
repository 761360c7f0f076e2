import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  paginateDescribeNetworkAcls,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  type EC2Client,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { contains, parseCidr, type Cidr } from '../../domain/net/cidr';
import { naclRecordKey } from '../../domain/peering/nacl-record';
import { isPeeringGone } from '../../domain/aws/peering-states';
import { inAccount, type ResourceRef } from '../../domain/aws/resource-ref';
import { SETUP_ID_TAG } from '../../domain/aws/tags';
import { collect, hasSetupTag, setupFilter, tagValue } from '../ec2/helpers';
import { isResourceNotFound } from '../aws/errors';
import { findFlowLogResources } from '../ec2/flow-logs';
import { describeVpcAcls, readNaclRecords } from '../ec2/network-acls';

/*
 * The searches a setup's inventory is made of, each in one region and account. Every ref carries
 * the account AWS names as the resource's owner, so that removal reaches it through that side.
 */

/** The owner, when AWS names one. */
const owned = (ownerId: string | undefined) => (ownerId ? { accountId: ownerId } : {});

export const LIVE = (p: VpcPeeringConnection) => !isPeeringGone(p.Status?.Code);
const GROUP_OF_PEERING = /^peering-(pcx-[0-9a-f]+)$/;

export function parseRuleRange(text: string | undefined): [number, number] | undefined {
  const m = /^(\d+)-(\d+)$/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Routes through the peering in any table of the region: found by AWS's own filter, no VPC needed. */
export async function routesThrough(ec2: EC2Client, region: string, pcx: string): Promise<ResourceRef[]> {
  const tables = await collect(
    paginateDescribeRouteTables(
      { client: ec2 },
      { Filters: [{ Name: 'route.vpc-peering-connection-id', Values: [pcx] }] },
    ),
    (p) => p.RouteTables,
  );
  return tables.flatMap((t) =>
    (t.Routes ?? [])
      .filter((r) => r.VpcPeeringConnectionId === pcx && (r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock))
      .map((r) => ({
        type: 'route' as const,
        region,
        id: t.RouteTableId!,
        destinationCidrBlock: (r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock)!,
        target: pcx,
        ...owned(t.OwnerId),
      })),
  );
}

/** The NACL entries recorded as made for the peering, on every ACL of the region that carries its record. */
export async function recordedNaclEntries(ec2: EC2Client, region: string, pcx: string): Promise<ResourceRef[]> {
  const keys = [naclRecordKey(pcx, false), naclRecordKey(pcx, true)];
  const acls = await collect(
    paginateDescribeNetworkAcls({ client: ec2 }, { Filters: [{ Name: 'tag-key', Values: keys }] }),
    (p) => p.NetworkAcls,
  );
  return acls.flatMap((acl) =>
    Object.entries(readNaclRecords(acl, pcx)).flatMap(([direction, record]) =>
      [...record.keys()].map((ruleNumber) => ({
        type: 'network-acl-entry' as const,
        region,
        id: acl.NetworkAclId!,
        ruleNumber,
        egress: direction === 'egress',
        target: pcx,
        ...owned(acl.OwnerId),
      })),
    ),
  );
}

/**
 * Peerings made before the record on each ACL existed: entries in the rule span recorded on the
 * peering that admit the peer's CIDR. Approximate by nature, so only used where nothing better is.
 */
export async function spanNaclEntries(
  ec2: EC2Client,
  region: string,
  vpcId: string,
  peerCidr: string,
  range: [number, number],
): Promise<ResourceRef[]> {
  const peer = parseCidr(peerCidr);
  if (typeof peer === 'string') return [];
  const acls = await describeVpcAcls(ec2, vpcId);
  return acls.flatMap((acl) =>
    (acl.Entries ?? [])
      .filter(
        (e) =>
          e.RuleNumber! >= range[0] &&
          e.RuleNumber! <= range[1] &&
          e.RuleAction === 'allow' &&
          e.CidrBlock &&
          contains(peer, parseCidr(e.CidrBlock) as Cidr),
      )
      .map((e) => ({
        type: 'network-acl-entry' as const,
        region,
        id: acl.NetworkAclId!,
        ruleNumber: e.RuleNumber!,
        egress: Boolean(e.Egress),
        ...owned(acl.OwnerId),
      })),
  );
}

/**
 * One resource by id, or none once it is gone. By id AWS shows a resource at once, where a
 * filtered Describe may not list it yet.
 */
async function byId<T>(describe: () => Promise<T[] | undefined>): Promise<T[]> {
  try {
    return (await describe()) ?? [];
  } catch (err) {
    if (isResourceNotFound(err)) return [];
    throw err;
  }
}

/** The known refs of one type that the tag search did not list, read by id. */
function unlisted<T>(known: ResourceRef[], type: ResourceRef['type'], listed: T[], idOf: (x: T) => string | undefined) {
  const seen = new Set(listed.map(idOf));
  return known.filter((r) => r.type === type && !seen.has(r.id)).map((r) => r.id);
}

/**
 * What carries the setup's tag in one region: by the tag, and by id for the refs the setup's
 * result recorded (`known`), since a teardown right after the setup may come before AWS lists the
 * last group it made by tag.
 */
export async function taggedInRegion(
  ec2: EC2Client,
  logs: CloudWatchLogsClient,
  region: string,
  setupId: string,
  known: ResourceRef[] = [],
) {
  const filters = { Filters: [setupFilter(setupId)] };
  const [listedVpcs, listedSubnets, listedGroups, flowLogResources] = await Promise.all([
    collect(paginateDescribeVpcs({ client: ec2 }, filters), (p) => p.Vpcs),
    collect(paginateDescribeSubnets({ client: ec2 }, filters), (p) => p.Subnets),
    collect(paginateDescribeSecurityGroups({ client: ec2 }, filters), (p) => p.SecurityGroups),
    findFlowLogResources(ec2, logs, region, setupId),
  ]);
  const here = known.filter((r) => r.region === region);
  const each = <T>(ids: string[], one: (id: string) => Promise<T[] | undefined>) =>
    Promise.all(ids.map((id) => byId(() => one(id)))).then((found) => found.flat());
  const [vpcs, subnets, groups] = await Promise.all([
    each(
      unlisted(here, 'vpc', listedVpcs, (v) => v.VpcId),
      async (id) => (await ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs,
    ).then((more) => [...listedVpcs, ...more]),
    each(
      unlisted(here, 'subnet', listedSubnets, (x) => x.SubnetId),
      async (id) => (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets,
    ).then((more) => [...listedSubnets, ...more]),
    each(
      unlisted(here, 'security-group', listedGroups, (g) => g.GroupId),
      async (id) => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups,
    ).then((more) => [...listedGroups, ...more]),
  ]);
  const ownGroups = groups.filter((g) => hasSetupTag(g.Tags, setupId));
  // Flow logs and log groups are listed without their owner: the account of what this search found.
  const owner = [...vpcs, ...subnets, ...ownGroups].map((x) => x.OwnerId).find((o) => o !== undefined);
  const withOwner = inAccount(flowLogResources, owner);
  return {
    flowLogs: withOwner.filter((f) => f.type === 'flow-log'),
    logGroups: withOwner.filter((f) => f.type === 'log-group'),
    vpcs: vpcs
      .filter((v) => hasSetupTag(v.Tags, setupId))
      .map((v) => ({ type: 'vpc' as const, region, id: v.VpcId!, ...owned(v.OwnerId) })),
    subnets: subnets
      .filter((s) => hasSetupTag(s.Tags, setupId))
      .map((s) => ({ type: 'subnet' as const, region, id: s.SubnetId!, ...owned(s.OwnerId) })),
    groups: ownGroups.map((g) => ({ type: 'security-group' as const, region, id: g.GroupId!, ...owned(g.OwnerId) })),
    /** `peering-<pcx>` names the peering even once AWS no longer lists it. */
    peeringIds: ownGroups.map((g) => GROUP_OF_PEERING.exec(g.GroupName ?? '')?.[1]).filter((id) => id !== undefined),
  };
}

/** The setup that made `peering-<pcx>` in either region, read from the group's tag. */
export async function setupOfPeeringGroups(clients: EC2Client[], pcx: string): Promise<string | undefined> {
  for (const ec2 of clients) {
    const groups = await collect(
      paginateDescribeSecurityGroups(
        { client: ec2 },
        { Filters: [{ Name: 'group-name', Values: [`peering-${pcx}`] }] },
      ),
      (p) => p.SecurityGroups,
    );
    const setupId = groups.map((g) => tagValue(g.Tags, SETUP_ID_TAG)).find((id) => id !== undefined);
    if (setupId) return setupId;
  }
  return undefined;
}
