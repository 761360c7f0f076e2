import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  paginateDescribeNetworkAcls,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  type EC2Client,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { contains, parseCidr, type Cidr } from '../domain/cidr';
import { naclRecordKey } from '../domain/nacl-record';
import { isPeeringGone } from '../domain/peering-states';
import { refKey } from '../domain/resource-ref';
import { NACL_RECORD_TAG, NACL_RULES_TAG, SETUP_ID_TAG } from '../domain/tags';
import type { ResourceRef, SetupLocator } from '../domain/types';
import type { AwsClients } from './aws-clients';
import { keepAlive } from './activity-context';
import { collect, hasSetupTag, setupFilter, tagValue } from './ec2-helpers';
import { FailureTypes, nonRetryable } from './errors';
import { findFlowLogResources } from './flow-logs';
import { describeVpcAcls, readNaclRecords } from './network-acls';
import { describePeering } from './peering';

export interface Inventory {
  setupId?: string;
  peeringConnectionId?: string;
  /** In deletion order: NACL entries, routes, flow logs, security groups, the peering, subnets, VPCs, log groups. */
  refs: ResourceRef[];
}

const LIVE = (p: VpcPeeringConnection) => !isPeeringGone(p.Status?.Code);
const GROUP_OF_PEERING = /^peering-(pcx-[0-9a-f]+)$/;

function parseRuleRange(text: string | undefined): [number, number] | undefined {
  const m = /^(\d+)-(\d+)$/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Routes through the peering in any table of the region: found by AWS's own filter, no VPC needed. */
async function routesThrough(ec2: EC2Client, region: string, pcx: string): Promise<ResourceRef[]> {
  const tables = await collect(
    paginateDescribeRouteTables(
      { client: ec2 },
      { Filters: [{ Name: 'route.vpc-peering-connection-id', Values: [pcx] }] },
    ),
    (p) => p.RouteTables,
  );
  return tables.flatMap((t) =>
    (t.Routes ?? [])
      .filter((r) => r.VpcPeeringConnectionId === pcx && r.DestinationCidrBlock)
      .map((r) => ({
        type: 'route' as const,
        region,
        id: t.RouteTableId!,
        destinationCidrBlock: r.DestinationCidrBlock!,
        target: pcx,
      })),
  );
}

/** The NACL entries recorded as made for the peering, on every ACL of the region that carries its record. */
async function recordedNaclEntries(ec2: EC2Client, region: string, pcx: string): Promise<ResourceRef[]> {
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
      })),
    ),
  );
}

/**
 * Peerings made before the record on each ACL existed: entries in the rule span recorded on the
 * peering that admit the peer's CIDR. Approximate by nature, so only used where nothing better is.
 */
async function spanNaclEntries(
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
      })),
  );
}

async function taggedInRegion(ec2: EC2Client, logs: CloudWatchLogsClient, region: string, setupId: string) {
  const filters = { Filters: [setupFilter(setupId)] };
  const [vpcs, subnets, groups, flowLogResources] = await Promise.all([
    collect(paginateDescribeVpcs({ client: ec2 }, filters), (p) => p.Vpcs),
    collect(paginateDescribeSubnets({ client: ec2 }, filters), (p) => p.Subnets),
    collect(paginateDescribeSecurityGroups({ client: ec2 }, filters), (p) => p.SecurityGroups),
    findFlowLogResources(ec2, logs, region, setupId),
  ]);
  const ownGroups = groups.filter((g) => hasSetupTag(g.Tags, setupId));
  return {
    flowLogs: flowLogResources.filter((f) => f.type === 'flow-log'),
    logGroups: flowLogResources.filter((f) => f.type === 'log-group'),
    vpcs: vpcs.filter((v) => hasSetupTag(v.Tags, setupId)).map((v) => ({ type: 'vpc' as const, region, id: v.VpcId! })),
    subnets: subnets
      .filter((s) => hasSetupTag(s.Tags, setupId))
      .map((s) => ({ type: 'subnet' as const, region, id: s.SubnetId! })),
    groups: ownGroups.map((g) => ({ type: 'security-group' as const, region, id: g.GroupId! })),
    /** `peering-<pcx>` names the peering even once AWS no longer lists it. */
    peeringIds: ownGroups.map((g) => GROUP_OF_PEERING.exec(g.GroupName ?? '')?.[1]).filter((id) => id !== undefined),
  };
}

/** The setup that made `peering-<pcx>` in either region, read from the group's tag. */
async function setupOfPeeringGroups(clients: EC2Client[], pcx: string): Promise<string | undefined> {
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

export function createInventoryActivities(clients: AwsClients) {
  async function findPeering(ec2: EC2Client, locator: SetupLocator): Promise<VpcPeeringConnection | undefined> {
    if (locator.peeringConnectionId) return describePeering(ec2, locator.peeringConnectionId);
    const all = await collect(
      paginateDescribeVpcPeeringConnections({ client: ec2 }, { Filters: [setupFilter(locator.setupId!)] }),
      (p) => p.VpcPeeringConnections,
    );
    return (
      all.find((p) => hasSetupTag(p.Tags, locator.setupId!) && LIVE(p)) ??
      all.find((p) => hasSetupTag(p.Tags, locator.setupId!))
    );
  }

  /**
   * Finds everything a setup created. VPCs, subnets and groups carry its tag. Routes and NACL
   * entries cannot be tagged: routes are those through the setup's peering, NACL entries those
   * recorded on each ACL for that peering. Neither needs AWS to still list the peering: its id is
   * known from the request, the setup's result, or its security groups' names.
   */
  async function findSetupResources(locator: SetupLocator): Promise<Inventory> {
    return keepAlive(async () => {
      const req = clients.ec2(locator.requesterRegion, locator.requesterRoleArn);
      const acc = clients.ec2(locator.accepterRegion, locator.accepterRoleArn);
      // Both sides in one region and account (an intra-region peering): one search finds both.
      const oneSearch =
        locator.requesterRegion === locator.accepterRegion && locator.requesterRoleArn === locator.accepterRoleArn;
      const regions = [
        { ec2: req, region: locator.requesterRegion, roleArn: locator.requesterRoleArn },
        ...(oneSearch ? [] : [{ ec2: acc, region: locator.accepterRegion, roleArn: locator.accepterRoleArn }]),
      ];
      const pcx = await findPeering(req, locator);
      let setupId = locator.setupId ?? tagValue(pcx?.Tags, SETUP_ID_TAG);
      if (pcx && !setupId) {
        throw nonRetryable(
          FailureTypes.NotCreatedBySetup,
          `${locator.peeringConnectionId} has no ${SETUP_ID_TAG} tag; it was not created by a setup and is left alone`,
        );
      }
      const named = pcx?.VpcPeeringConnectionId ?? locator.peeringConnectionId;
      if (!setupId && named) setupId = await setupOfPeeringGroups([req, acc], named);
      const logsOf = (r: (typeof regions)[number]) => clients.logs(r.region, r.roleArn);
      const tagged = setupId
        ? await Promise.all(regions.map((r) => taggedInRegion(r.ec2, logsOf(r), r.region, setupId)))
        : [];
      const pcxIds = [
        ...new Set([named, ...(locator.knownPeeringIds ?? []), ...tagged.flatMap((t) => t.peeringIds)]),
      ].filter((id): id is string => id !== undefined);

      const lookups = pcxIds.flatMap((id) =>
        regions.flatMap((r) => [recordedNaclEntries(r.ec2, r.region, id), routesThrough(r.ec2, r.region, id)]),
      );
      const range = parseRuleRange(tagValue(pcx?.Tags, NACL_RULES_TAG));
      if (pcx && range && !tagValue(pcx.Tags, NACL_RECORD_TAG)) {
        const reqVpc = pcx.RequesterVpcInfo?.VpcId;
        const accVpc = pcx.AccepterVpcInfo?.VpcId;
        if (reqVpc && pcx.AccepterVpcInfo?.CidrBlock)
          lookups.push(spanNaclEntries(req, locator.requesterRegion, reqVpc, pcx.AccepterVpcInfo.CidrBlock, range));
        if (accVpc && pcx.RequesterVpcInfo?.CidrBlock)
          lookups.push(spanNaclEntries(acc, locator.accepterRegion, accVpc, pcx.RequesterVpcInfo.CidrBlock, range));
      }
      const found = (await Promise.all(lookups)).flat();
      const naclFirst = found.sort(
        (a, b) => Number(b.type === 'network-acl-entry') - Number(a.type === 'network-acl-entry'),
      );
      const seen = new Set<string>();
      const dependents = naclFirst.filter((r) => !seen.has(refKey(r)) && seen.add(refKey(r)));
      // Without a setup tag or a record of its own, nothing through a vanished peering is provably the setup's.
      if (!setupId && !dependents.some((r) => r.type === 'network-acl-entry' && r.target)) {
        return { ...(named ? { peeringConnectionId: named } : {}), refs: [] };
      }
      const pcxRefs: ResourceRef[] =
        pcx && LIVE(pcx)
          ? [
              {
                type: 'peering-connection',
                region: locator.requesterRegion,
                id: pcx.VpcPeeringConnectionId!,
                peerRegion: locator.accepterRegion,
              },
            ]
          : [];
      const [r, a] = tagged;
      const shownId = named ?? pcxIds[0];
      return {
        ...(setupId ? { setupId } : {}),
        ...(shownId ? { peeringConnectionId: shownId } : {}),
        refs: [
          ...dependents,
          ...(r?.flowLogs ?? []),
          ...(a?.flowLogs ?? []),
          ...(r?.groups ?? []),
          ...(a?.groups ?? []),
          ...pcxRefs,
          ...(r?.subnets ?? []),
          ...(a?.subnets ?? []),
          ...(r?.vpcs ?? []),
          ...(a?.vpcs ?? []),
          ...(r?.logGroups ?? []),
          ...(a?.logGroups ?? []),
        ],
      };
    });
  }

  return { findSetupResources };
}
