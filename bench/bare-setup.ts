/**
 * The baseline: a plain script that sets up the same inter-region peering with the AWS SDK and no
 * Temporal. It issues exactly the EC2 calls the activities make for a fresh setup (their
 * find-before-create reads included), in the workflow's order, so that the bench's b/a isolates what
 * durability costs. The bench checks that both call lists stay the same, in order within each region.
 * The stages follow the workflow: vpcs (find, create, claim the default tables, DNS hostnames,
 * subnets), request-peering, establish-peering (accept, wait for active unless the accept answered
 * it, DNS) and side-rules (routes, security group, NACL entries per side).
 * By default one side after the other, as a plain script would; `parallelSides` runs them at once
 * wherever the workflow does.
 *
 * Standalone: AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
 *   npx ts-node --transpile-only bench/bare-setup.ts examples/abc-corp.json
 */
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  CreateTagsCommand,
  ModifyVpcAttributeCommand,
  ModifyVpcPeeringConnectionOptionsCommand,
  RevokeSecurityGroupEgressCommand,
  waitUntilVpcAvailable,
} from '@aws-sdk/client-ec2';
import * as fs from 'node:fs';
import { claimDefaultTables, pollPeering } from './bare-parts';
import { createAwsClients, type AwsClients } from '../src/activities/aws/clients';
import { toTags } from '../src/activities/ec2/helpers';
import { createNaclEntry } from '../src/activities/ec2/network-acls';
import { toIpPermissions } from '../src/activities/ec2/security-groups';
import { formatNaclRecord, naclRecordKey, naclRecordOf } from '../src/domain/peering/nacl-record';
import { naclPlan, naclRuleSpan, securityGroupPlan } from '../src/domain/peering/rules-plan';
import * as TAGS from '../src/domain/aws/tags';
import type { PeeringRequest } from '../src/domain/peering/types';

type Role = 'requester' | 'accepter';
const ROLES: Role[] = ['requester', 'accepter'];

export interface BareOptions {
  /** Run each per-side step for both sides at once, as the workflow does. @default false: one after the other */
  parallelSides?: boolean;
}

export interface BareResult {
  peeringConnectionId: string;
  vpcIds: Record<Role, string>;
  /** Time in each of the contract's steps in ms, summed over both sides (a skipped step is absent). */
  steps: Record<string, number>;
}

export async function bareSetup(
  aws: AwsClients,
  request: PeeringRequest,
  setupId: string,
  options: BareOptions = {},
): Promise<BareResult> {
  const tags = TAGS.setupTags(setupId, request.tags);
  const naclBase = request.naclRuleBase ?? 900;
  const side = (role: Role) => request[role];
  const client = (role: Role) => aws.ec2(side(role).region);
  const peer = (role: Role): Role => (role === 'requester' ? 'accepter' : 'requester');
  const steps: Record<string, number> = {};
  /** Adds up per step: with sides one after the other, a per-side step's time is both sides' sum. */
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const out = await fn();
    steps[name] = (steps[name] ?? 0) + performance.now() - started;
    return out;
  };
  const perSide = async <T>(roles: Role[], fn: (role: Role) => Promise<T>): Promise<T[]> => {
    if (options.parallelSides) return Promise.all(roles.map(fn));
    const out: T[] = [];
    for (const role of roles) out.push(await fn(role));
    return out;
  };

  const bySetupTag = { Filters: [{ Name: `tag:${TAGS.SETUP_ID_TAG}`, Values: [setupId] }] };
  // Stage vpcs: the one-network check (what the setup id holds already), then per side find by tag,
  // create, claim the VPC's main route table and default NACL with the setup's tag (the scoped IAM
  // policy lets a setup change only tables that carry it), turn DNS hostnames on, and make the
  // side's subnets (listed first: CreateSubnet has no ClientToken either). The tables and NACLs are
  // read again by the side-rules stage, as the workflow's activities do.
  const [requesterVpc, accepterVpc] = await timed('vpcs', async () => {
    await perSide(ROLES, async (role) => {
      await client(role).send(new DescribeVpcsCommand(bySetupTag));
      if (role === 'requester') await client(role).send(new DescribeVpcPeeringConnectionsCommand(bySetupTag));
    });
    return perSide(ROLES, async (role) => {
      const ec2 = client(role);
      const s = side(role);
      await ec2.send(new DescribeVpcsCommand(bySetupTag));
      const vpcTags = { ...tags, [TAGS.SIDE_TAG]: role, ...(s.name ? { Name: s.name } : {}) };
      const created = await ec2.send(
        new CreateVpcCommand({
          CidrBlock: s.cidrBlock,
          TagSpecifications: [{ ResourceType: 'vpc', Tags: toTags(vpcTags) }],
        }),
      );
      const vpcId = created.Vpc!.VpcId!;
      if (created.Vpc!.State !== 'available')
        await waitUntilVpcAvailable({ client: ec2, maxWaitTime: 60, minDelay: 2, maxDelay: 5 }, { VpcIds: [vpcId] });
      await claimDefaultTables(ec2, vpcId, setupId);
      if (request.dnsResolution !== false)
        await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
      if (s.subnets?.length) {
        const byVpc = { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] };
        const have = (await ec2.send(new DescribeSubnetsCommand(byVpc))).Subnets ?? [];
        for (const spec of s.subnets) {
          if (have.some((x) => x.CidrBlock === spec.cidrBlock)) continue;
          const Name = `${s.name ?? role}-${spec.availabilityZone}`;
          await ec2.send(
            new CreateSubnetCommand({
              VpcId: vpcId,
              CidrBlock: spec.cidrBlock,
              AvailabilityZone: spec.availabilityZone,
              TagSpecifications: [{ ResourceType: 'subnet', Tags: toTags({ ...vpcTags, Name }) }],
            }),
          );
        }
      }
      return { vpcId, cidrBlock: s.cidrBlock! };
    });
  });
  const vpcs = { requester: requesterVpc!, accepter: accepterVpc! };

  const plans = ROLES.map((role) =>
    naclPlan(vpcs[role].cidrBlock, vpcs[peer(role)].cidrBlock, request.allow, naclBase),
  );
  const span = naclRuleSpan(plans, naclBase);

  // Stage request-peering: look for an earlier request by the requester VPC, then create.
  const pcx = await timed('request-peering', async () => {
    const ec2 = client('requester');
    await ec2.send(
      new DescribeVpcPeeringConnectionsCommand({
        Filters: [{ Name: 'requester-vpc-info.vpc-id', Values: [vpcs.requester.vpcId] }],
      }),
    );
    const out = await ec2.send(
      new CreateVpcPeeringConnectionCommand({
        VpcId: vpcs.requester.vpcId,
        PeerVpcId: vpcs.accepter.vpcId,
        PeerRegion: request.accepter.region,
        TagSpecifications: [
          {
            ResourceType: 'vpc-peering-connection',
            Tags: toTags({
              ...tags,
              [TAGS.NACL_RULES_TAG]: `${span.first}-${span.last}`,
              [TAGS.NACL_RECORD_TAG]: TAGS.NACL_RECORD_ON_ACLS,
            }),
          },
        ],
      }),
    );
    return out.VpcPeeringConnection!.VpcPeeringConnectionId!;
  });

  // Stage establish-peering: accept once visible; wait for active only if the accept did not answer it; DNS per side.
  const accepted = await timed('accept-peering', async () => {
    const ec2 = client('accepter');
    const seen = await pollPeering(ec2, pcx, (p) => p !== undefined && p.Status?.Code !== 'initiating-request');
    if (seen.Status?.Code !== 'pending-acceptance') return seen;
    const out = await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    return out.VpcPeeringConnection ?? seen;
  });
  const active =
    accepted.Status?.Code === 'active'
      ? accepted
      : await timed('wait-active', () => pollPeering(client('requester'), pcx, (p) => p?.Status?.Code === 'active'));

  if (request.dnsResolution !== false) {
    const already = {
      requester: active.RequesterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc ?? false,
      accepter: active.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc ?? false,
    };
    await timed('dns', () =>
      perSide(
        ROLES.filter((role) => !already[role]),
        async (role) => {
          const dns = { AllowDnsResolutionFromRemoteVpc: true };
          await client(role).send(
            new ModifyVpcPeeringConnectionOptionsCommand({
              VpcPeeringConnectionId: pcx,
              ...(role === 'requester'
                ? { RequesterPeeringConnectionOptions: dns }
                : { AccepterPeeringConnectionOptions: dns }),
            }),
          );
        },
      ),
    );
  }

  // Stage side-rules: per side, routes, then the security group, then the NACL entries.
  await perSide(ROLES, async (role) => {
    const ec2 = client(role);
    const own = vpcs[role];
    const cidr = vpcs[peer(role)].cidrBlock;
    await timed('routes', async () => {
      const tables = await ec2.send(
        new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [own.vpcId] }] }),
      );
      for (const table of tables.RouteTables ?? []) {
        if (table.Routes?.some((r) => r.DestinationCidrBlock === cidr)) continue;
        await ec2.send(
          new CreateRouteCommand({
            RouteTableId: table.RouteTableId,
            DestinationCidrBlock: cidr,
            VpcPeeringConnectionId: pcx,
          }),
        );
      }
    });
    await timed('security-groups', async () => {
      const name = TAGS.securityGroupName(pcx);
      await ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'vpc-id', Values: [own.vpcId] },
            { Name: 'group-name', Values: [name] },
          ],
        }),
      );
      const { GroupId } = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: name,
          Description: `Traffic over VPC peering ${pcx}`,
          VpcId: own.vpcId,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: toTags({ ...tags, Name: name }) }],
        }),
      );
      const plan = securityGroupPlan(own.cidrBlock, cidr, request.allow);
      await ec2.send(
        new RevokeSecurityGroupEgressCommand({
          GroupId,
          IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      );
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: toIpPermissions(plan.ingress) }),
      );
      await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId, IpPermissions: toIpPermissions(plan.egress) }));
    });
    await timed('network-acls', async () => {
      const acls = await ec2.send(
        new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [own.vpcId] }] }),
      );
      const entries = naclPlan(own.cidrBlock, cidr, request.allow, naclBase);
      for (const acl of (acls.NetworkAcls ?? []).filter((a) => a.VpcId === own.vpcId)) {
        // The record of the entries made, written on the ACL before them (see src/domain/peering/nacl-record.ts).
        const Tags = [false, true].map((egress) => ({
          Key: naclRecordKey(pcx, egress),
          Value: formatNaclRecord(naclRecordOf(entries.filter((e) => e.egress === egress))),
        }));
        await ec2.send(new CreateTagsCommand({ Resources: [acl.NetworkAclId!], Tags }));
        for (const e of entries) {
          await createNaclEntry(ec2, acl.NetworkAclId!, e);
        }
      }
    });
  });

  return {
    peeringConnectionId: pcx,
    vpcIds: { requester: vpcs.requester.vpcId, accepter: vpcs.accepter.vpcId },
    steps,
  };
}

async function run() {
  const file = process.argv[2] ?? 'examples/abc-corp.json';
  const request = JSON.parse(fs.readFileSync(file, 'utf8')) as PeeringRequest;
  const calls: string[] = [];
  const aws = createAwsClients({ observers: [(c) => calls.push(`${c.region} ${c.operation}`)] });
  const started = performance.now();
  const result = await bareSetup(aws, request, `bare-${process.pid}-${Date.now()}`);
  console.log(JSON.stringify({ ...result, ms: Math.round(performance.now() - started), calls }, null, 2));
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
