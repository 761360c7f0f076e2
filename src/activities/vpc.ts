import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  ModifyVpcAttributeCommand,
  paginateDescribeNetworkAcls,
  paginateDescribeRouteTables,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  waitUntilVpcAvailable,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { SIDE_TAG } from '../domain/tags';
import type { ResourceRef, SubnetSpec } from '../domain/types';
import type { AwsClients } from './aws-clients';
import { activitySignal, keepAlive } from './activity-context';
import { collect, hasSetupTag, setupFilter, tagSpec, tagValue } from './ec2-helpers';
import { AwsErrors, FailureTypes, isNamed, isNotFound, nonRetryable } from './errors';
import { findEarlierWork, retryNotFound, type ConsistencyWindows } from './waiting';

export type SideRole = 'requester' | 'accepter';

export interface VpcState {
  region: string;
  vpcId: string;
  cidrBlock: string;
  /**
   * The ones the request named, or every table of an existing VPC; unset for a VPC the setup made
   * (all of its tables).
   */
  routeTableIds?: string[];
  networkAclIds?: string[];
  ownerId?: string;
}

export interface DescribeVpcInput {
  side: SideRole;
  region: string;
  vpcId: string;
  roleArn?: string;
  routeTableIds?: string[];
  /** Remote DNS resolution needs DNS support and DNS hostnames on; checked when true. @default true */
  dnsResolution?: boolean;
}

export interface EnsureVpcInput {
  /** A setup's side, or the VPC's key in a mesh: tagged as `vpc-peering:side`, and found by it. */
  side: string;
  region: string;
  setupId: string;
  cidrBlock: string;
  name?: string;
  subnets?: SubnetSpec[];
  roleArn?: string;
  tags: Record<string, string>;
  /** Turn on DNS support and DNS hostnames, which remote DNS resolution needs. @default true */
  dnsResolution?: boolean;
}

export interface EnsureVpcOutput {
  vpc: VpcState;
  created: ResourceRef[];
}

async function tablesAndAcls(
  ec2: EC2Client,
  vpcId: string,
): Promise<{ routeTableIds: string[]; networkAclIds: string[] }> {
  // Every page: AWS may answer a list in several, and a table or NACL missed here gets no rules.
  const filters = [{ Name: 'vpc-id', Values: [vpcId] }];
  const [tables, acls] = await Promise.all([
    collect(paginateDescribeRouteTables({ client: ec2 }, { Filters: filters }), (p) => p.RouteTables),
    collect(paginateDescribeNetworkAcls({ client: ec2 }, { Filters: filters }), (p) => p.NetworkAcls),
  ]);
  return {
    routeTableIds: tables
      .filter((t) => t.VpcId === vpcId)
      .map((t) => t.RouteTableId!)
      .sort(),
    networkAclIds: acls
      .filter((a) => a.VpcId === vpcId)
      .map((a) => a.NetworkAclId!)
      .sort(),
  };
}

type DnsAttribute = 'enableDnsSupport' | 'enableDnsHostnames';
const DNS_ATTRIBUTES: DnsAttribute[] = ['enableDnsSupport', 'enableDnsHostnames'];

async function dnsAttributesOff(ec2: EC2Client, vpcId: string): Promise<DnsAttribute[]> {
  const values = await Promise.all(
    DNS_ATTRIBUTES.map(async (Attribute) => {
      const out = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute }));
      return Attribute === 'enableDnsSupport' ? out.EnableDnsSupport?.Value : out.EnableDnsHostnames?.Value;
    }),
  );
  return DNS_ATTRIBUTES.filter((_, i) => values[i] !== true);
}

/** ModifyVpcAttribute takes one attribute per call. */
async function turnOn(ec2: EC2Client, vpcId: string, attribute: DnsAttribute): Promise<void> {
  const on = { Value: true };
  await ec2.send(
    new ModifyVpcAttributeCommand({
      VpcId: vpcId,
      ...(attribute === 'enableDnsSupport' ? { EnableDnsSupport: on } : { EnableDnsHostnames: on }),
    }),
  );
}

export function createVpcActivities(clients: AwsClients, windows: ConsistencyWindows) {
  /**
   * Reads an existing VPC the request names. A missing VPC, or one without the DNS attributes that
   * remote DNS resolution needs, is bad input, not a transient fault.
   */
  async function describeExistingVpc(input: DescribeVpcInput): Promise<VpcState> {
    const ec2 = clients.ec2(input.region, input.roleArn);
    let vpc;
    try {
      vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [input.vpcId] }))).Vpcs?.[0];
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!vpc?.CidrBlock) {
      throw nonRetryable(
        FailureTypes.InvalidPeeringRequest,
        `${input.side}.vpcId: ${input.vpcId} does not exist in ${input.region}`,
      );
    }
    const [found, dnsOff] = await Promise.all([
      tablesAndAcls(ec2, input.vpcId),
      input.dnsResolution === false ? [] : dnsAttributesOff(ec2, input.vpcId),
    ]);
    if (dnsOff.length) {
      // AWS refuses remote DNS resolution unless both VPCs have both (VPC peering guide, "Enable DNS resolution").
      throw nonRetryable(
        FailureTypes.InvalidPeeringRequest,
        `${input.side}.vpcId: ${input.vpcId} has ${dnsOff.join(' and ')} off; remote DNS resolution over a peering needs enableDnsSupport and enableDnsHostnames on both VPCs. Turn them on, or set dnsResolution: false`,
      );
    }
    const unknown = (input.routeTableIds ?? []).filter((id) => !found.routeTableIds.includes(id));
    if (unknown.length) {
      throw nonRetryable(
        FailureTypes.InvalidPeeringRequest,
        `${input.side}.routeTableIds: ${unknown.join(', ')} not found in ${input.vpcId}`,
      );
    }
    return {
      region: input.region,
      vpcId: input.vpcId,
      cidrBlock: vpc.CidrBlock,
      routeTableIds: input.routeTableIds ?? found.routeTableIds,
      networkAclIds: found.networkAclIds,
      ...(vpc.OwnerId ? { ownerId: vpc.OwnerId } : {}),
    };
  }

  /**
   * Creates the side's VPC and subnets unless an earlier attempt already did: CreateVpc has no
   * ClientToken, so the VPC is found by its setup and side tags first (waiting out tag lag on a
   * retry). With DNS resolution on, the VPC gets DNS hostnames too (CreateVpc leaves them off).
   */
  async function ensureVpc(input: EnsureVpcInput): Promise<EnsureVpcOutput> {
    return keepAlive(async (beat) => {
      const ec2 = clients.ec2(input.region, input.roleArn);
      const tags = { ...input.tags, [SIDE_TAG]: input.side, ...(input.name ? { Name: input.name } : {}) };
      const existing = await findEarlierWork(windows.tagLagSeconds, async () =>
        (
          await collect(paginateDescribeVpcs({ client: ec2 }, { Filters: [setupFilter(input.setupId)] }), (p) => p.Vpcs)
        ).find((v) => hasSetupTag(v.Tags, input.setupId) && tagValue(v.Tags, SIDE_TAG) === input.side),
      );

      let vpcId = existing?.VpcId;
      let state = existing?.State;
      if (!vpcId) {
        beat({ step: 'vpcs', creating: 'vpc' });
        const created = await ec2.send(
          new CreateVpcCommand({ CidrBlock: input.cidrBlock, TagSpecifications: tagSpec('vpc', tags) }),
        );
        vpcId = created.Vpc!.VpcId!;
        state = created.Vpc!.State;
      }
      const id = vpcId;
      if (state !== 'available') {
        await retryNotFound(windows.notFoundSeconds, () =>
          waitUntilVpcAvailable(
            { client: ec2, maxWaitTime: 60, minDelay: 2, maxDelay: 5, abortSignal: activitySignal() },
            { VpcIds: [id] },
          ),
        );
      }
      if (input.dnsResolution !== false) {
        // A new VPC has DNS support on and hostnames off; one found again is read first.
        const off = existing ? await dnsAttributesOff(ec2, id) : (['enableDnsHostnames'] as DnsAttribute[]);
        for (const attribute of off) await retryNotFound(windows.notFoundSeconds, () => turnOn(ec2, id, attribute));
      }
      const created: ResourceRef[] = [{ type: 'vpc', region: input.region, id }];

      if (input.subnets?.length) {
        const subnetsOfVpc = () =>
          collect(
            paginateDescribeSubnets({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [id] }] }),
            (p) => p.Subnets,
          );
        const have = await subnetsOfVpc();
        for (const spec of input.subnets) {
          let subnetId = have.find((s) => s.CidrBlock === spec.cidrBlock)?.SubnetId;
          if (!subnetId) subnetId = await createSubnet(ec2, id, spec, tags, input, subnetsOfVpc);
          created.push({ type: 'subnet', region: input.region, id: subnetId });
        }
      }
      // Its tables and NACLs are read once, by the side-rules step that changes them.
      return { vpc: { region: input.region, vpcId: id, cidrBlock: input.cidrBlock }, created };
    });
  }

  /**
   * CreateSubnet has no ClientToken either, but a CIDR is unique within a VPC: a conflict means an
   * earlier attempt made it (only this setup creates subnets in its VPC), found once it is listed.
   */
  async function createSubnet(
    ec2: EC2Client,
    vpcId: string,
    spec: SubnetSpec,
    tags: Record<string, string>,
    input: EnsureVpcInput,
    subnetsOfVpc: () => Promise<Array<{ CidrBlock?: string; SubnetId?: string }>>,
  ): Promise<string> {
    try {
      const made = await retryNotFound(windows.notFoundSeconds, () =>
        ec2.send(
          new CreateSubnetCommand({
            VpcId: vpcId,
            CidrBlock: spec.cidrBlock,
            AvailabilityZone: spec.availabilityZone,
            TagSpecifications: tagSpec('subnet', {
              ...tags,
              Name: `${input.name ?? input.side}-${spec.availabilityZone}`,
            }),
          }),
        ),
      );
      return made.Subnet!.SubnetId!;
    } catch (err) {
      if (!isNamed(err, AwsErrors.SubnetConflict)) throw err;
      const found = await findEarlierWork(windows.tagLagSeconds, async () =>
        (await subnetsOfVpc()).find((s) => s.CidrBlock === spec.cidrBlock),
      );
      if (!found?.SubnetId) throw err;
      return found.SubnetId;
    }
  }

  return { describeExistingVpc, ensureVpc };
}
