/**
 * Each mutating activity run twice with the same input, as Temporal does after a response was lost
 * on the wire: the second run finds the first one's work and creates nothing more.
 */
import {
  DescribeFlowLogsCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { createActivities, createAwsClients } from '../../src/activities';
import { naclPlan, securityGroupPlan } from '../../src/domain/peering/rules-plan';
import { setupTags } from '../../src/domain/aws/tags';
import type { AllowRule } from '../../src/domain/peering/types';
import { taggedResources } from '../support/aws-state';
import { testEnv } from '../support/env';
import { CREDENTIALS, ec2, uniqueId } from '../support/harness';
import { FLOW_LOG_FORMAT } from '../../src/domain/peering/flow-log-format';

const ALLOW: AllowRule[] = [
  { protocol: 'tcp', fromPort: 5432, toPort: 5432 },
  { protocol: 'udp', fromPort: 53, toPort: 53 },
];
const calls: string[] = [];
const acts = createActivities({
  aws: createAwsClients({
    clientConfig: { endpoint: testEnv().awsUrl, credentials: CREDENTIALS },
    observers: [(c) => calls.push(c.operation)],
  }),
});
const mutations = () => calls.filter((op) => !/^(Describe|Get|List)/.test(op));

/**
 * Temporal retries an activity no sooner than its retry policy's initial interval, 1 s at the
 * least (src/workflows/activity-options.ts); AWS's lists may lag a create by less than that (the suite's
 * AWS-faithful layer lags them 0.1-0.5 s), and a retry sooner than Temporal's is not one to model.
 */
const RETRY_INTERVAL_MS = 1_000;

/** Runs `fn` twice, a retry interval apart; returns both results and the mutating calls of the second run. */
async function twice<T>(fn: () => Promise<T>): Promise<{ first: T; second: T; secondMutations: string[] }> {
  const first = await fn();
  await new Promise((resolve) => setTimeout(resolve, RETRY_INTERVAL_MS));
  calls.length = 0;
  const second = await fn();
  return { first, second, secondMutations: mutations() };
}

/** Runs `fn` twice and expects the second run to make no mutating call: it only reads. */
async function twiceReadOnly<T>(fn: () => Promise<T>): Promise<{ first: T; second: T }> {
  const { first, second, secondMutations } = await twice(fn);
  expect(secondMutations).toEqual([]);
  return { first, second };
}

const setupId = uniqueId('idem');
const tags = setupTags(setupId, { Project: 'idempotency' });
const east = 'us-east-1';
const west = 'eu-west-1';
let eastVpc: { vpcId: string };
let westVpc: { vpcId: string };
let pcx: string;

describe('GIVEN each mutating activity called twice with identical input', () => {
  test('ensureVpc: one VPC and one subnet per side', async () => {
    const input = {
      side: 'requester' as const,
      region: east,
      setupId,
      cidrBlock: '10.40.0.0/16',
      tags,
      subnets: [{ cidrBlock: '10.40.1.0/24', availabilityZone: 'us-east-1a' }],
    };
    const { first, second } = await twiceReadOnly(() => acts.ensureVpc(input));
    expect(second.vpc.vpcId).toBe(first.vpc.vpcId);
    const left = await taggedResources(east, setupId);
    expect({ vpcs: left.vpcs.length, subnets: left.subnets.length }).toEqual({ vpcs: 1, subnets: 1 });
    eastVpc = first.vpc;
    westVpc = (await acts.ensureVpc({ side: 'accepter', region: west, setupId, cidrBlock: '10.41.0.0/16', tags })).vpc;
  });

  test('requestPeering: one peering connection', async () => {
    const input = {
      setupId,
      requester: { region: east, vpcId: eastVpc.vpcId },
      accepter: { region: west, vpcId: westVpc.vpcId },
      tags,
      naclRules: '900-903',
    };
    const { first, second } = await twiceReadOnly(() => acts.requestPeering(input));
    expect(second.peeringConnectionId).toBe(first.peeringConnectionId);
    expect((await taggedResources(east, setupId)).livePeerings).toEqual([first.peeringConnectionId]);
    pcx = first.peeringConnectionId;
  });

  test('acceptPeering: accepted once, the second call sees it accepted', async () => {
    const { first, second } = await twiceReadOnly(() => acts.acceptPeering({ peeringConnectionId: pcx, region: west }));
    expect(first.status).toBe('active');
    expect(second.status).toBe('active');
  });

  test('ensureRoutes: one route per table, through the peering', async () => {
    const input = {
      region: east,
      vpcId: eastVpc.vpcId,
      destinationCidrBlock: '10.41.0.0/16',
      peeringConnectionId: pcx,
    };
    const { first, second } = await twiceReadOnly(() => acts.ensureRoutes(input));
    const tables =
      (await ec2(east).send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [eastVpc.vpcId] }] })))
        .RouteTables ?? [];
    expect(first.routeTableIds).toEqual(tables.map((t) => t.RouteTableId!).sort());
    expect(second.created).toHaveLength(tables.length);
    for (const t of tables) expect(t.Routes?.filter((r) => r.DestinationCidrBlock === '10.41.0.0/16')).toHaveLength(1);
  });

  test('ensurePeeringSecurityGroup: one group with each rule once', async () => {
    const input = {
      region: east,
      vpcId: eastVpc.vpcId,
      peeringConnectionId: pcx,
      tags,
      plan: securityGroupPlan('10.40.0.0/16', '10.41.0.0/16', ALLOW),
    };
    const { first, second } = await twiceReadOnly(() => acts.ensurePeeringSecurityGroup(input));
    expect(second.securityGroupId).toBe(first.securityGroupId);
    const groups = await ec2(east).send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [`peering-${pcx}`] }] }),
    );
    const mine = (groups.SecurityGroups ?? []).filter((g) => g.VpcId === eastVpc.vpcId);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.IpPermissions?.flatMap((p) => p.IpRanges ?? [])).toHaveLength(2);
  });

  test('ensureNaclEntries: each entry once; a second call creates none', async () => {
    const entries = naclPlan('10.40.0.0/16', '10.41.0.0/16', ALLOW, 900);
    const { second } = await twiceReadOnly(() =>
      acts.ensureNaclEntries({ region: east, vpcId: eastVpc.vpcId, peeringConnectionId: pcx, entries }),
    );
    expect(second.created).toHaveLength(entries.length * second.networkAclIds.length);
    const acls = await ec2(east).send(new DescribeNetworkAclsCommand({ NetworkAclIds: second.networkAclIds }));
    const ours = (acls.NetworkAcls ?? []).flatMap((a) =>
      (a.Entries ?? []).filter((e) => e.RuleNumber! >= 900 && e.RuleNumber! < 1000),
    );
    expect(ours).toHaveLength(entries.length * second.networkAclIds.length);
  });

  test('establishPeering: DNS turned on once; the second call only reads', async () => {
    const input = {
      peeringConnectionId: pcx,
      requester: { region: east },
      accepter: { region: west },
      dnsResolution: true,
    };
    const { first, second } = await twiceReadOnly(() => acts.establishPeering(input));
    expect(first).toMatchObject({ status: 'active', requesterDnsResolution: true, accepterDnsResolution: true });
    expect(second).toMatchObject({ status: 'active', requesterDnsResolution: true, accepterDnsResolution: true });
  });

  test('ensureSideRules: the accepter side twice; the second call only reads', async () => {
    const input = {
      region: west,
      vpcId: westVpc.vpcId,
      peerCidrBlock: '10.40.0.0/16',
      peeringConnectionId: pcx,
      tags,
      securityGroup: securityGroupPlan('10.41.0.0/16', '10.40.0.0/16', ALLOW),
      naclEntries: naclPlan('10.41.0.0/16', '10.40.0.0/16', ALLOW, 900),
    };
    const { first, second } = await twiceReadOnly(() => acts.ensureSideRules(input));
    expect(second.securityGroupId).toBe(first.securityGroupId);
    expect(second.created).toEqual(first.created);
  });

  test('ensureFlowLogs: one tagged log group and one tagged v5 flow log per side', async () => {
    const input = {
      side: 'requester' as const,
      region: east,
      vpcId: eastVpc.vpcId,
      setupId,
      deliverLogsRoleArn: 'arn:aws:iam::123456789012:role/vpc-peering-flow-logs',
      tags,
    };
    const { first, second } = await twiceReadOnly(() => acts.ensureFlowLogs(input));
    expect(second).toEqual(first);
    const flowLogs = await ec2(east).send(
      new DescribeFlowLogsCommand({ Filter: [{ Name: 'resource-id', Values: [eastVpc.vpcId] }] }),
    );
    expect(flowLogs.FlowLogs?.map((f) => [f.FlowLogId, f.LogGroupName, f.LogFormat])).toEqual([
      [first.flowLogId, first.logGroupName, FLOW_LOG_FORMAT],
    ]);
    expect(first.created.map((r) => r.type)).toEqual(['log-group', 'flow-log']);
  });

  test('deleteResources: the second run deletes nothing and reports everything already gone', async () => {
    const inventory = await acts.findSetupResources({ setupId, requesterRegion: east, accepterRegion: west });
    expect(inventory.refs.length).toBeGreaterThan(0);
    const byRegion = (region: string) => inventory.refs.filter((r) => r.region === region);
    const run = async () => ({
      east: await acts.deleteResources({ region: east, refs: byRegion(east) }),
      west: await acts.deleteResources({ region: west, refs: byRegion(west) }),
    });
    const { first, second, secondMutations } = await twice(run);
    expect(first.east.failed).toEqual([]);
    expect(first.west.failed).toEqual([]);
    expect(first.east.deleted.length + first.west.deleted.length).toBe(inventory.refs.length);
    expect(second.east.deleted).toEqual([]);
    expect(second.west.deleted).toEqual([]);
    // Deletes of groups, subnets and VPCs are tried and answer NotFound (cheaper than a look first).
    expect(second.east.alreadyGone.length + second.west.alreadyGone.length).toBe(inventory.refs.length);
    expect(new Set(secondMutations)).toEqual(
      new Set(['DeleteSecurityGroup', 'DeleteSubnet', 'DeleteVpc', 'DeleteFlowLogs', 'DeleteLogGroup']),
    );
    expect(await acts.findSetupResources({ setupId, requesterRegion: east, accepterRegion: west })).toMatchObject({
      refs: [],
    });
  });
});
