/**
 * SetupInterRegionPeering and TeardownInterRegionPeering on the real dev server against moto,
 * checked by reading moto's state in both regions, not only the workflow result.
 */
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import * as path from 'node:path';
import type { PeeringRequest, PeeringResult, TeardownResult } from '../../src/domain/peering/types';
import { SETUP_ID_TAG } from '../../src/domain/aws/tags';
import { countTagged, routesVia, tableTags, taggedResources, vpcSnapshot } from '../support/aws-state';
import { testEnv } from '../support/env';
import { ec2, startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { existingVpc } from '../support/setup-runs';

/** The shipped example itself, so the README's example is what the tests prove. */
const ABC = JSON.parse(readFileSync(path.resolve(__dirname, '../../examples/abc-corp.json'), 'utf8')) as PeeringRequest;

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker();
});
afterAll(async () => {
  await w?.shutdown();
});

async function setup(
  request: PeeringRequest,
  workflowId = uniqueId('setup'),
): Promise<{ id: string; result: PeeringResult }> {
  const result = await w.client.workflow.execute('SetupInterRegionPeering', {
    taskQueue: w.taskQueue,
    workflowId,
    args: [request],
  });
  return { id: workflowId, result: result as PeeringResult };
}

async function teardown(setupWorkflowId: string): Promise<TeardownResult> {
  return w.client.workflow.execute('TeardownInterRegionPeering', {
    taskQueue: w.taskQueue,
    workflowId: uniqueId('teardown'),
    args: [{ setupWorkflowId }],
  }) as Promise<TeardownResult>;
}

describe('GIVEN the ABC Corp request (us-east-1 10.0.0.0/16 <-> eu-west-1 10.1.0.0/16)', () => {
  let id: string;
  let result: PeeringResult;

  beforeAll(async () => {
    ({ id, result } = await setup(ABC));
  });

  test('WHEN set up THEN the peering is active in both regions with DNS resolution on both sides', async () => {
    expect(result.status).toBe('active');
    expect(result.peeringConnectionId).toMatch(/^pcx-/);
    for (const region of ['us-east-1', 'eu-west-1']) {
      const out = await ec2(region).send(
        new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [result.peeringConnectionId] }),
      );
      const pcx = out.VpcPeeringConnections?.[0];
      expect(pcx?.Status?.Code).toBe('active');
      expect(pcx?.RequesterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc).toBe(true);
      expect(pcx?.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc).toBe(true);
    }
  });

  test('THEN every route table on each side routes the peer CIDR through the peering', async () => {
    for (const [side, peerCidr] of [
      [result.requester, '10.1.0.0/16'],
      [result.accepter, '10.0.0.0/16'],
    ] as const) {
      const tables = await ec2(side.region).send(
        new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [side.vpcId] }] }),
      );
      const vpcTables = (tables.RouteTables ?? []).filter((t) => t.VpcId === side.vpcId);
      expect(vpcTables.length).toBeGreaterThan(0);
      for (const table of vpcTables) {
        const route = table.Routes?.find((r) => r.DestinationCidrBlock === peerCidr);
        expect({ table: table.RouteTableId, target: route?.VpcPeeringConnectionId }).toEqual({
          table: table.RouteTableId,
          target: result.peeringConnectionId,
        });
      }
    }
  });

  test('THEN each peering-<pcx> security group holds exactly the allowed rules from and to the peer CIDR', async () => {
    for (const [side, peerCidr] of [
      [result.requester, '10.1.0.0/16'],
      [result.accepter, '10.0.0.0/16'],
    ] as const) {
      const out = await ec2(side.region).send(new DescribeSecurityGroupsCommand({ GroupIds: [side.securityGroupId] }));
      const group = out.SecurityGroups?.[0];
      expect(group?.GroupName).toBe(`peering-${result.peeringConnectionId}`);
      const flat = (perms: NonNullable<typeof group>['IpPermissions']) =>
        (perms ?? [])
          .flatMap((p) => (p.IpRanges ?? []).map((r) => `${p.IpProtocol}:${p.FromPort}-${p.ToPort}:${r.CidrIp}`))
          .sort();
      expect(flat(group?.IpPermissions)).toEqual([`tcp:443-443:${peerCidr}`, `tcp:5432-5432:${peerCidr}`]);
      expect(flat(group?.IpPermissionsEgress)).toEqual([`tcp:443-443:${peerCidr}`, `tcp:5432-5432:${peerCidr}`]);
      expect(group?.Tags).toEqual(
        expect.arrayContaining([
          { Key: SETUP_ID_TAG, Value: id },
          { Key: 'Project', Value: 'abc-dr' },
        ]),
      );
    }
  });

  test('THEN the NACL entries admit HTTPS and the return range (which holds 5432), numbered from 900', async () => {
    for (const [side, peerCidr] of [
      [result.requester, '10.1.0.0/16'],
      [result.accepter, '10.0.0.0/16'],
    ] as const) {
      const out = await ec2(side.region).send(new DescribeNetworkAclsCommand({ NetworkAclIds: side.networkAclIds }));
      expect(side.networkAclIds.length).toBeGreaterThan(0);
      for (const acl of out.NetworkAcls ?? []) {
        const ours = (acl.Entries ?? [])
          .filter((e) => e.RuleNumber! >= 900 && e.RuleNumber! < 1000)
          .map(
            (e) =>
              `${e.Egress ? 'out' : 'in'}:${e.RuleNumber}:${e.Protocol}:${e.CidrBlock}:${e.PortRange?.From}-${e.PortRange?.To}:${e.RuleAction}`,
          )
          .sort();
        expect(ours).toEqual(
          [
            `in:900:6:${peerCidr}:443-443:allow`,
            `in:901:6:${peerCidr}:1024-65535:allow`,
            `out:900:6:${peerCidr}:443-443:allow`,
            `out:901:6:${peerCidr}:1024-65535:allow`,
          ].sort(),
        );
      }
    }
  });

  test('THEN the VPCs, peering and groups carry the setup tag and the request tags, and the ledger lists them', async () => {
    const vpcs = await ec2('us-east-1').send(new DescribeVpcsCommand({ VpcIds: [result.requester.vpcId] }));
    expect(vpcs.Vpcs?.[0]?.Tags).toEqual(
      expect.arrayContaining([
        { Key: SETUP_ID_TAG, Value: id },
        { Key: 'Project', Value: 'abc-dr' },
        { Key: 'Name', Value: 'abc-primary' },
      ]),
    );
    const pcx = await ec2('us-east-1').send(
      new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [result.peeringConnectionId] }),
    );
    expect(pcx.VpcPeeringConnections?.[0]?.Tags).toEqual(
      expect.arrayContaining([
        { Key: SETUP_ID_TAG, Value: id },
        { Key: 'Project', Value: 'abc-dr' },
      ]),
    );
    const east = await taggedResources('us-east-1', id);
    const west = await taggedResources('eu-west-1', id);
    expect(east).toMatchObject({
      vpcs: [result.requester.vpcId],
      securityGroups: [result.requester.securityGroupId],
      livePeerings: [result.peeringConnectionId],
    });
    expect(west).toMatchObject({ vpcs: [result.accepter.vpcId], securityGroups: [result.accepter.securityGroupId] });
    // The VPCs (with the DR side's subnets, which a database replica goes into) come first, then the peering.
    expect(
      result.created
        .map((r) => r.type)
        .filter((t) => t !== 'subnet')
        .slice(0, 3)
        .sort(),
    ).toEqual(['peering-connection', 'vpc', 'vpc']);
    expect(result.created.filter((r) => r.type === 'subnet').map((r) => r.region)).toEqual(['eu-west-1', 'eu-west-1']);
  });

  test("THEN each new VPC's main route table and default ACL are claimed with the setup tag, and none of the request's", async () => {
    for (const side of [result.requester, result.accepter]) {
      const claimed = `${SETUP_ID_TAG}=${id}`;
      expect(await tableTags(side.region, side.vpcId)).toEqual([`acl default ${claimed}`, `rtb main ${claimed}`]);
    }
  });

  test('WHEN torn down twice THEN the first deletes everything tagged and the second deletes nothing', async () => {
    const first = await teardown(id);
    expect(first.deleted.map((r) => r.type)).toEqual(
      expect.arrayContaining(['vpc', 'peering-connection', 'security-group', 'route', 'network-acl-entry']),
    );
    expect(
      first.deleted
        .filter((r) => r.type === 'vpc')
        .map((r) => r.id)
        .sort(),
    ).toEqual([result.requester.vpcId, result.accepter.vpcId].sort());
    for (const region of ['us-east-1', 'eu-west-1']) {
      expect(countTagged(await taggedResources(region, id))).toBe(0);
      expect(await routesVia(region, [result.peeringConnectionId])).toEqual([]);
    }
    const second = await teardown(id);
    expect(second).toEqual({ deleted: [], alreadyGone: [] });
  });
});

describe('GIVEN an existing eu-west-1 VPC (DNS hostnames on) with three route tables, one routing 0.0.0.0/0 to an internet gateway', () => {
  let vpcId: string;
  let tableIds: string[];
  let before: string[];

  beforeAll(async () => {
    const dr = ec2('eu-west-1');
    vpcId = await existingVpc('eu-west-1', '10.20.0.0/16');
    const igw = (await dr.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await dr.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    const publicTable = (await dr.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await dr.send(
      new CreateRouteCommand({ RouteTableId: publicTable, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }),
    );
    await dr.send(new CreateRouteTableCommand({ VpcId: vpcId }));
    const tables = await dr.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    tableIds = (tables.RouteTables ?? []).filter((t) => t.VpcId === vpcId).map((t) => t.RouteTableId!);
    before = await vpcSnapshot('eu-west-1', vpcId);
  });

  test('WHEN peered and torn down THEN every table got the route, and afterwards the VPC is exactly as before', async () => {
    expect(tableIds).toHaveLength(3);
    const { id, result } = await setup({
      ...ABC,
      requester: { ...ABC.requester, cidrBlock: '10.10.0.0/16' },
      accepter: { region: 'eu-west-1', vpcId },
    });
    expect(result.accepter.vpcId).toBe(vpcId);
    expect(result.accepter.routeTableIds.sort()).toEqual([...tableIds].sort());
    const routed = await routesVia('eu-west-1', [result.peeringConnectionId]);
    expect(routed.sort()).toEqual(tableIds.map((t) => `${t} 10.10.0.0/16`).sort());
    expect(result.created.some((r) => r.type === 'vpc' && r.id === vpcId)).toBe(false);
    // An existing VPC's tables are routed through, never claimed.
    expect((await tableTags('eu-west-1', vpcId)).filter((t) => t.includes(SETUP_ID_TAG))).toEqual([]);

    const down = await teardown(id);
    expect(down.deleted.some((r) => r.id === vpcId)).toBe(false);
    const still = await ec2('eu-west-1').send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
    expect(still.Vpcs?.[0]?.VpcId).toBe(vpcId);
    expect(await vpcSnapshot('eu-west-1', vpcId)).toEqual(before);
  });
});

describe('GIVEN the Temporal CLI built into .tools/bin', () => {
  test('WHEN `temporal workflow execute --input-file examples/abc-corp.json` runs THEN the setup completes with an active pcx', async () => {
    const env = testEnv();
    const workflowId = uniqueId('cli-setup');
    // Asynchronous: the worker polling for this run lives in this same process.
    const out = await promisify(execFile)(
      env.temporalBin,
      [
        'workflow',
        'execute',
        '--address',
        env.temporalAddress,
        '--type',
        'SetupInterRegionPeering',
        '--task-queue',
        w.taskQueue,
        '--workflow-id',
        workflowId,
        '--input-file',
        path.resolve(__dirname, '../../examples/abc-corp.json'),
        '--output',
        'json',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/"status":\s*"active"/);
    expect(out.stdout).toMatch(/pcx-[0-9a-f]+/);
    const down = await teardown(workflowId);
    expect(down.deleted.filter((r) => r.type === 'vpc')).toHaveLength(2);
  });
});
