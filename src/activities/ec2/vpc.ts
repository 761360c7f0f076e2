import {
  AssociateVpcCidrBlockCommand,
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
  type Vpc,
} from '@aws-sdk/client-ec2';
import { createWaiter, WaiterState } from '@smithy/util-waiter';
import { accessOf, type SideAccess } from '../../domain/aws/access';
import { SIDE_TAG } from '../../domain/aws/tags';
import type { SubnetSpec, VpcState } from '../../domain/peering/types';
import type { AwsClients } from '../aws/clients';
import { activitySignal, keepAlive } from '../activity-context';
import { collect, hasSetupTag, setupFilter, tagSpec, tagValue } from './helpers';
import { claimUnclaimed, defaultAclOf, mainTableOf } from './claim';
import { AwsErrors, isNamed, retryable } from '../aws/errors';
import { findEarlierWork, pollWithHeartbeat, retryNotFound, type ConsistencyWindows } from '../aws/waiting';
import { FailureTypes } from '../../domain/failure-types';
import { type ResourceRef } from '../../domain/aws/resource-ref';

export interface EnsureVpcInput extends SideAccess {
  /** A setup's side, or the VPC's key in a mesh: tagged as `vpc-peering:side`, and found by it. */
  side: string;
  region: string;
  setupId: string;
  cidrBlock: string;
  name?: string;
  subnets?: SubnetSpec[];
  tags: Record<string, string>;
  /** Turn on DNS support and DNS hostnames, which remote DNS resolution needs. @default true */
  dnsResolution?: boolean;
  /** Ask for an Amazon-provided IPv6 /56 as well. @default false */
  ipv6?: boolean;
  /**
   * The run's side rules claim this VPC's main route table and default ACL when still unclaimed
   * (they read both anyway), so a VPC found again is not read for them here. A VPC made in this
   * attempt is claimed here, once its tables are listed. @default false
   */
  tablesClaimedBySideRules?: boolean;
}

export interface EnsureVpcOutput {
  vpc: VpcState;
  created: ResourceRef[];
}

/** A VPC's associated IPv4 CIDRs (the primary first) and IPv6 blocks, as its Describe says. */
export function vpcCidrs(vpc: Vpc): { cidrBlocks: string[]; ipv6CidrBlocks: string[] } {
  const v4 = (vpc.CidrBlockAssociationSet ?? [])
    .filter((a) => a.CidrBlockState?.State === 'associated' && a.CidrBlock)
    .map((a) => a.CidrBlock!);
  const primary = vpc.CidrBlock ? [vpc.CidrBlock] : [];
  return {
    cidrBlocks: [...primary, ...v4.filter((c) => c !== vpc.CidrBlock)],
    ipv6CidrBlocks: (vpc.Ipv6CidrBlockAssociationSet ?? [])
      .filter((a) => a.Ipv6CidrBlockState?.State === 'associated' && a.Ipv6CidrBlock)
      .map((a) => a.Ipv6CidrBlock!),
  };
}

/** The VPC as a setup side: its CIDRs, owner and (when it has one) IPv6 block. */
export function vpcState(region: string, vpc: Vpc): VpcState {
  const { cidrBlocks, ipv6CidrBlocks } = vpcCidrs(vpc);
  return {
    region,
    vpcId: vpc.VpcId!,
    cidrBlock: vpc.CidrBlock!,
    cidrBlocks,
    ...(ipv6CidrBlocks.length ? { ipv6CidrBlocks } : {}),
    ...(vpc.OwnerId ? { ownerId: vpc.OwnerId } : {}),
  };
}

/**
 * Waits until the VPC's Amazon-provided IPv6 block is associated (it is `associating` for a moment
 * after CreateVpc or AssociateVpcCidrBlock), and answers the VPC then.
 */
async function waitForIpv6Block(ec2: EC2Client, vpcId: string): Promise<Vpc> {
  let last: Vpc | undefined;
  const result = await createWaiter(
    { client: ec2, minDelay: 1, maxDelay: 5, maxWaitTime: 120, abortSignal: activitySignal() },
    vpcId,
    async (client, id) => {
      last = (await client.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs?.[0];
      return { state: last && vpcCidrs(last).ipv6CidrBlocks.length ? WaiterState.SUCCESS : WaiterState.RETRY };
    },
  );
  if (result.state === WaiterState.ABORTED)
    throw activitySignal()?.reason ?? retryable(FailureTypes.Cancelled, 'stopped');
  if (result.state !== WaiterState.SUCCESS || !last) {
    throw retryable(FailureTypes.WaitTimedOut, `${vpcId}'s IPv6 block was still not associated after 120 s`);
  }
  return last;
}

type DnsAttribute = 'enableDnsSupport' | 'enableDnsHostnames';
const DNS_ATTRIBUTES: DnsAttribute[] = ['enableDnsSupport', 'enableDnsHostnames'];

export async function dnsAttributesOff(ec2: EC2Client, vpcId: string): Promise<DnsAttribute[]> {
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

/**
 * Claims the main route table and default network ACL AWS made with the VPC (see ./claim). Listed a
 * moment after the VPC, as everything in EC2 is (eventual consistency), so both are waited for. No
 * inventory lists them by tag: AWS deletes them with the VPC (DeleteVpc API reference).
 */
async function claimDefaultTables(ec2: EC2Client, vpcId: string, tags: Record<string, string>, notFound: number) {
  const byVpc = { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] };
  const { state, seen } = await pollWithHeartbeat(
    { client: ec2, minDelay: 1, maxDelay: 5, maxWaitTime: 60 },
    async (client) => {
      const [tables, acls] = await Promise.all([
        collect(paginateDescribeRouteTables({ client }, byVpc), (p) => p.RouteTables),
        collect(paginateDescribeNetworkAcls({ client }, byVpc), (p) => p.NetworkAcls),
      ]);
      const main = mainTableOf(tables, vpcId);
      const acl = defaultAclOf(acls, vpcId);
      return { state: main && acl ? WaiterState.SUCCESS : WaiterState.RETRY, seen: main && acl ? [main, acl] : [] };
    },
  );
  if (state !== WaiterState.SUCCESS || !seen) {
    throw retryable(
      FailureTypes.WaitTimedOut,
      `${vpcId}'s main route table and default network ACL were not listed after 60 s`,
    );
  }
  await claimUnclaimed(ec2, seen, tags, notFound);
}

export function createVpcActivities(clients: AwsClients, windows: ConsistencyWindows) {
  /**
   * Creates the side's VPC and subnets unless an earlier attempt already did: CreateVpc has no
   * ClientToken, so the VPC is found by its setup and side tags first (waiting out tag lag on a
   * retry). With DNS resolution on, the VPC gets DNS hostnames too (CreateVpc leaves them off).
   */
  async function ensureVpc(input: EnsureVpcInput): Promise<EnsureVpcOutput> {
    return keepAlive(async (beat) => {
      const ec2 = clients.ec2(input.region, accessOf(input));
      const tags = { ...input.tags, [SIDE_TAG]: input.side, ...(input.name ? { Name: input.name } : {}) };
      const existing = await findEarlierWork(windows.tagLagSeconds, async () =>
        (
          await collect(paginateDescribeVpcs({ client: ec2 }, { Filters: [setupFilter(input.setupId)] }), (p) => p.Vpcs)
        ).find((v) => hasSetupTag(v.Tags, input.setupId) && tagValue(v.Tags, SIDE_TAG) === input.side),
      );

      let vpc: Vpc | undefined = existing;
      if (!vpc) {
        beat({ step: 'vpcs', creating: 'vpc' });
        vpc = (
          await ec2.send(
            new CreateVpcCommand({
              CidrBlock: input.cidrBlock,
              ...(input.ipv6 ? { AmazonProvidedIpv6CidrBlock: true } : {}),
              TagSpecifications: tagSpec('vpc', tags),
            }),
          )
        ).Vpc!;
      }
      const id = vpc.VpcId!;
      const state = vpc.State;
      if (state !== 'available') {
        await retryNotFound(windows.notFoundSeconds, () =>
          waitUntilVpcAvailable(
            { client: ec2, maxWaitTime: 60, minDelay: 2, maxDelay: 5, abortSignal: activitySignal() },
            { VpcIds: [id] },
          ),
        );
      }
      // Its own VPC only: made now, or found again by this setup's tags. A VPC found again leaves its
      // tables to side rules that claim them, when the run says so: they read them anyway.
      if (!(existing && input.tablesClaimedBySideRules)) {
        await claimDefaultTables(ec2, id, input.tags, windows.notFoundSeconds);
      }
      if (input.dnsResolution !== false) {
        // A new VPC has DNS support on and hostnames off; one found again is read first.
        const off = existing ? await dnsAttributesOff(ec2, id) : (['enableDnsHostnames'] as DnsAttribute[]);
        for (const attribute of off) await retryNotFound(windows.notFoundSeconds, () => turnOn(ec2, id, attribute));
      }
      if (input.ipv6 && !vpcCidrs(vpc).ipv6CidrBlocks.length) {
        // Made by an earlier run without IPv6, or still associating its block: ask once, then wait.
        const pending = (vpc.Ipv6CidrBlockAssociationSet ?? []).some(
          (a) => a.Ipv6CidrBlockState?.State === 'associating',
        );
        if (!pending) {
          await retryNotFound(windows.notFoundSeconds, () =>
            ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: id, AmazonProvidedIpv6CidrBlock: true })),
          );
        }
        vpc = await retryNotFound(windows.notFoundSeconds, () => waitForIpv6Block(ec2, id));
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
      return { vpc: { ...vpcState(input.region, vpc), cidrBlock: input.cidrBlock }, created };
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

  return { ensureVpc };
}
