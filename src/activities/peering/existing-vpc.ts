import {
  DescribeVpcsCommand,
  paginateDescribeNetworkAcls,
  paginateDescribeRouteTables,
  type EC2Client,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { accessOf, type SideAccess } from '../../domain/aws/access';
import type { AwsClients } from '../aws/clients';
import { carriesTags, collect, describeTags } from '../ec2/helpers';
import { isNotFound, nonRetryable } from '../aws/errors';
import { dnsAttributesOff, vpcState } from '../ec2/vpc';
import { FailureTypes } from '../../domain/failure-types';
import { type SideRole, type VpcState } from '../../domain/peering/types';

export interface DescribeVpcInput extends SideAccess {
  side: SideRole;
  region: string;
  vpcId: string;
  routeTableIds?: string[];
  /** Only the tables carrying every one of these tags are routed. */
  routeTableTags?: Record<string, string>;
  /** Remote DNS resolution needs DNS support and DNS hostnames on; checked when true. @default true */
  dnsResolution?: boolean;
  /** The VPC must have an IPv6 block. @default false */
  ipv6?: boolean;
}

/** Every page of the VPC's route tables and network ACLs: a table or ACL missed here gets no rules. */
async function tablesAndAcls(ec2: EC2Client, vpcId: string) {
  const filters = { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] };
  const [tables, acls] = await Promise.all([
    collect(paginateDescribeRouteTables({ client: ec2 }, filters), (p) => p.RouteTables),
    collect(paginateDescribeNetworkAcls({ client: ec2 }, filters), (p) => p.NetworkAcls),
  ]);
  return {
    tables: tables.filter((t) => t.VpcId === vpcId),
    networkAclIds: acls
      .filter((a) => a.VpcId === vpcId)
      .map((a) => a.NetworkAclId!)
      .sort(),
  };
}

const bad = (field: string, reason: string) => nonRetryable(FailureTypes.InvalidPeeringRequest, `${field}: ${reason}`);

/** The tables to route: those named, those carrying the tags, or every table of the VPC. */
function chosenTables(input: DescribeVpcInput, tables: RouteTable[]): string[] {
  const ids = tables.map((t) => t.RouteTableId!).sort();
  if (input.routeTableIds) {
    const unknown = input.routeTableIds.filter((id) => !ids.includes(id));
    if (unknown.length) throw bad(`${input.side}.routeTableIds`, `${unknown.join(', ')} not found in ${input.vpcId}`);
    return input.routeTableIds;
  }
  const tags = input.routeTableTags;
  if (!tags) return ids;
  // The main table serves every subnet without a table of its own, but it is chosen like any other.
  const matching = tables.filter((t) => carriesTags(t.Tags, tags)).map((t) => t.RouteTableId!);
  if (!matching.length) {
    throw bad(`${input.side}.routeTableTags`, `no route table of ${input.vpcId} carries ${describeTags(tags)}`);
  }
  return matching.sort();
}

export function createExistingVpcActivities(clients: AwsClients) {
  /**
   * Reads an existing VPC the request names: its IPv4 CIDRs (secondary ones too), its IPv6 block,
   * its owner, and the tables and ACLs the setup will change. A missing VPC, one without the DNS
   * attributes remote DNS resolution needs, without the IPv6 block an IPv6 setup needs, or without
   * the tables the request chose, is bad input, not a transient fault.
   */
  async function describeExistingVpc(input: DescribeVpcInput): Promise<VpcState> {
    const ec2 = clients.ec2(input.region, accessOf(input));
    let vpc;
    try {
      vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [input.vpcId] }))).Vpcs?.[0];
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!vpc?.CidrBlock) throw bad(`${input.side}.vpcId`, `${input.vpcId} does not exist in ${input.region}`);
    const state = vpcState(input.region, vpc);
    if (input.ipv6 && !state.ipv6CidrBlocks?.length) {
      throw bad(
        'ipv6',
        `${input.side} VPC ${input.vpcId} has no IPv6 CIDR block; an IPv6 setup needs one on both VPCs (associate an Amazon-provided /56 with it first, or leave ipv6 out)`,
      );
    }
    const [found, dnsOff] = await Promise.all([
      tablesAndAcls(ec2, input.vpcId),
      input.dnsResolution === false ? [] : dnsAttributesOff(ec2, input.vpcId),
    ]);
    if (dnsOff.length) {
      // AWS refuses remote DNS resolution unless both VPCs have both (VPC peering guide, "Enable DNS resolution").
      throw bad(
        `${input.side}.vpcId`,
        `${input.vpcId} has ${dnsOff.join(' and ')} off; remote DNS resolution over a peering needs enableDnsSupport and enableDnsHostnames on both VPCs. Turn them on, or set dnsResolution: false`,
      );
    }
    return { ...state, routeTableIds: chosenTables(input, found.tables), networkAclIds: found.networkAclIds };
  }

  return { describeExistingVpc };
}
