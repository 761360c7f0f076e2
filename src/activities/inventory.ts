import {
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  type EC2Client,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { contains, parseCidr, type Cidr } from '../domain/cidr';
import { isPeeringGone } from '../domain/peering-states';
import { NACL_RULES_TAG, SETUP_ID_TAG } from '../domain/tags';
import type { ResourceRef, SetupLocator } from '../domain/types';
import type { AwsClients } from './aws-clients';
import { collect, hasSetupTag, setupFilter, tagValue } from './ec2-helpers';
import { FailureTypes, nonRetryable } from './errors';
import { describeVpcAcls } from './network-acls';
import { describePeering } from './peering';

export interface Inventory {
  setupId?: string;
  peeringConnectionId?: string;
  /** In deletion order: NACL entries, routes, security groups, the peering, subnets, VPCs. */
  refs: ResourceRef[];
}

const LIVE = (p: VpcPeeringConnection) => !isPeeringGone(p.Status?.Code);

function parseRuleRange(text: string | undefined): [number, number] | undefined {
  const m = /^(\d+)-(\d+)$/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
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

  /** Routes through the peering, in the tables of the side's VPC. */
  async function peeringRoutes(ec2: EC2Client, region: string, vpcId: string, pcx: string): Promise<ResourceRef[]> {
    const tables = await collect(
      paginateDescribeRouteTables({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
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

  /** Entries in the setup's recorded rule range that admit the peer's CIDR. */
  async function peeringNaclEntries(
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

  async function taggedInRegion(ec2: EC2Client, region: string, setupId: string) {
    const filters = { Filters: [setupFilter(setupId)] };
    const [vpcs, subnets, groups] = await Promise.all([
      collect(paginateDescribeVpcs({ client: ec2 }, filters), (p) => p.Vpcs),
      collect(paginateDescribeSubnets({ client: ec2 }, filters), (p) => p.Subnets),
      collect(paginateDescribeSecurityGroups({ client: ec2 }, filters), (p) => p.SecurityGroups),
    ]);
    return {
      vpcs: vpcs
        .filter((v) => hasSetupTag(v.Tags, setupId))
        .map((v) => ({ type: 'vpc' as const, region, id: v.VpcId! })),
      subnets: subnets
        .filter((s) => hasSetupTag(s.Tags, setupId))
        .map((s) => ({ type: 'subnet' as const, region, id: s.SubnetId! })),
      groups: groups
        .filter((g) => hasSetupTag(g.Tags, setupId))
        .map((g) => ({ type: 'security-group' as const, region, id: g.GroupId! })),
    };
  }

  /**
   * Finds everything a setup created, by its tag. Routes and NACL entries cannot be tagged: routes
   * are those through the setup's peering, NACL entries those in the rule range recorded on it.
   */
  async function findSetupResources(locator: SetupLocator): Promise<Inventory> {
    const req = clients.ec2(locator.requesterRegion, locator.requesterRoleArn);
    const acc = clients.ec2(locator.accepterRegion, locator.accepterRoleArn);
    const pcx = await findPeering(req, locator);
    if (locator.peeringConnectionId && !pcx) {
      return { peeringConnectionId: locator.peeringConnectionId, refs: [] };
    }
    const setupId = locator.setupId ?? tagValue(pcx?.Tags, SETUP_ID_TAG);
    if (!setupId) {
      throw nonRetryable(
        FailureTypes.NotCreatedBySetup,
        `${locator.peeringConnectionId} has no ${SETUP_ID_TAG} tag; it was not created by a setup and is left alone`,
      );
    }
    // Both sides in one region and account (an intra-region peering): one search finds both.
    const oneSearch =
      locator.requesterRegion === locator.accepterRegion && locator.requesterRoleArn === locator.accepterRoleArn;
    const [reqTagged, accTagged] = await Promise.all([
      taggedInRegion(req, locator.requesterRegion, setupId),
      oneSearch ? { vpcs: [], subnets: [], groups: [] } : taggedInRegion(acc, locator.accepterRegion, setupId),
    ]);
    const dependents: ResourceRef[] = [];
    const pcxRefs: ResourceRef[] = [];
    if (pcx) {
      const id = pcx.VpcPeeringConnectionId!;
      const reqVpc = pcx.RequesterVpcInfo?.VpcId;
      const accVpc = pcx.AccepterVpcInfo?.VpcId;
      const range = parseRuleRange(tagValue(pcx.Tags, NACL_RULES_TAG));
      const lookups: Array<Promise<ResourceRef[]>> = [];
      if (reqVpc && range && pcx.AccepterVpcInfo?.CidrBlock)
        lookups.push(peeringNaclEntries(req, locator.requesterRegion, reqVpc, pcx.AccepterVpcInfo.CidrBlock, range));
      if (accVpc && range && pcx.RequesterVpcInfo?.CidrBlock)
        lookups.push(peeringNaclEntries(acc, locator.accepterRegion, accVpc, pcx.RequesterVpcInfo.CidrBlock, range));
      if (reqVpc) lookups.push(peeringRoutes(req, locator.requesterRegion, reqVpc, id));
      if (accVpc) lookups.push(peeringRoutes(acc, locator.accepterRegion, accVpc, id));
      const found = await Promise.all(lookups);
      dependents.push(
        ...found.flat().sort((a, b) => Number(b.type === 'network-acl-entry') - Number(a.type === 'network-acl-entry')),
      );
      if (LIVE(pcx))
        pcxRefs.push({
          type: 'peering-connection',
          region: locator.requesterRegion,
          id,
          peerRegion: locator.accepterRegion,
        });
    }
    return {
      setupId,
      ...(pcx ? { peeringConnectionId: pcx.VpcPeeringConnectionId! } : {}),
      refs: [
        ...dependents,
        ...reqTagged.groups,
        ...accTagged.groups,
        ...pcxRefs,
        ...reqTagged.subnets,
        ...accTagged.subnets,
        ...reqTagged.vpcs,
        ...accTagged.vpcs,
      ],
    };
  }

  return { findSetupResources };
}
