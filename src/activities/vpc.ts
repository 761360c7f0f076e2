import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeVpcsCommand,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  waitUntilVpcAvailable,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { SIDE_TAG } from '../domain/tags';
import type { ResourceRef, SubnetSpec } from '../domain/types';
import type { AwsClients } from './aws-clients';
import { activitySignal } from './activity-context';
import { collect, hasSetupTag, setupFilter, tagSpec, tagValue } from './ec2-helpers';
import { FailureTypes, isNotFound, nonRetryable } from './errors';

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
}

export interface EnsureVpcOutput {
  vpc: VpcState;
  created: ResourceRef[];
}

async function tablesAndAcls(
  ec2: EC2Client,
  vpcId: string,
): Promise<{ routeTableIds: string[]; networkAclIds: string[] }> {
  const filters = [{ Name: 'vpc-id', Values: [vpcId] }];
  const [tables, acls] = await Promise.all([
    ec2.send(new DescribeRouteTablesCommand({ Filters: filters })),
    ec2.send(new DescribeNetworkAclsCommand({ Filters: filters })),
  ]);
  return {
    routeTableIds: (tables.RouteTables ?? [])
      .filter((t) => t.VpcId === vpcId)
      .map((t) => t.RouteTableId!)
      .sort(),
    networkAclIds: (acls.NetworkAcls ?? [])
      .filter((a) => a.VpcId === vpcId)
      .map((a) => a.NetworkAclId!)
      .sort(),
  };
}

export function createVpcActivities(clients: AwsClients) {
  /** Reads an existing VPC the request names. A missing VPC is bad input, not a transient fault. */
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
    const found = await tablesAndAcls(ec2, input.vpcId);
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
   * ClientToken, so the VPC is found by its setup and side tags first.
   */
  async function ensureVpc(input: EnsureVpcInput): Promise<EnsureVpcOutput> {
    const ec2 = clients.ec2(input.region, input.roleArn);
    const tags = { ...input.tags, [SIDE_TAG]: input.side, ...(input.name ? { Name: input.name } : {}) };
    const existing = (
      await collect(paginateDescribeVpcs({ client: ec2 }, { Filters: [setupFilter(input.setupId)] }), (p) => p.Vpcs)
    ).find((v) => hasSetupTag(v.Tags, input.setupId) && tagValue(v.Tags, SIDE_TAG) === input.side);

    let vpcId = existing?.VpcId;
    let state = existing?.State;
    if (!vpcId) {
      const created = await ec2.send(
        new CreateVpcCommand({ CidrBlock: input.cidrBlock, TagSpecifications: tagSpec('vpc', tags) }),
      );
      vpcId = created.Vpc!.VpcId!;
      state = created.Vpc!.State;
    }
    if (state !== 'available') {
      // Within the activity's 30 s; a VPC slower than that is found by its tag on the retry.
      await waitUntilVpcAvailable(
        { client: ec2, maxWaitTime: 25, minDelay: 2, maxDelay: 5, abortSignal: activitySignal() },
        { VpcIds: [vpcId] },
      );
    }
    const created: ResourceRef[] = [{ type: 'vpc', region: input.region, id: vpcId }];

    if (input.subnets?.length) {
      const have = await collect(
        paginateDescribeSubnets({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
        (p) => p.Subnets,
      );
      for (const spec of input.subnets) {
        let subnetId = have.find((s) => s.CidrBlock === spec.cidrBlock)?.SubnetId;
        if (!subnetId) {
          const subnetTags = { ...tags, Name: `${input.name ?? input.side}-${spec.availabilityZone}` };
          const made = await ec2.send(
            new CreateSubnetCommand({
              VpcId: vpcId,
              CidrBlock: spec.cidrBlock,
              AvailabilityZone: spec.availabilityZone,
              TagSpecifications: tagSpec('subnet', subnetTags),
            }),
          );
          subnetId = made.Subnet!.SubnetId!;
        }
        created.push({ type: 'subnet', region: input.region, id: subnetId });
      }
    }
    // Its tables and NACLs are read once, by the side-rules step that changes them.
    return { vpc: { region: input.region, vpcId, cidrBlock: input.cidrBlock }, created };
  }

  return { describeExistingVpc, ensureVpc };
}
