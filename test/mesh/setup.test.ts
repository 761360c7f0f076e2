/**
 * SetupPeeringMesh and TeardownPeeringMesh on the real dev server against moto: a full mesh of 4
 * VPCs in 4 regions (one of them existing), the same mesh with a 5th VPC, its teardown, and a hub
 * with 3 spokes, one in the hub's own region. Checked in moto's state, not only in the results.
 */
import {
  CreateRouteTableCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
} from '@aws-sdk/client-ec2';
import { meshSummary, pairSetupId } from '../../src/domain/mesh/topology';
import type { MeshRequest, MeshResult } from '../../src/domain/mesh/types';
import { vpcSnapshot } from '../support/aws-state';
import { ec2, startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { expectRoutedExactly, meshLeftovers, peersOf, runMesh, tablesOf, teardownMesh } from '../support/mesh-state';
import { existingVpc } from '../support/setup-runs';

const ALLOW: MeshRequest['allow'] = [
  { protocol: 'tcp', fromPort: 5432, toPort: 5432, description: 'PostgreSQL' },
  { protocol: 'tcp', fromPort: 443, toPort: 443, description: 'HTTPS' },
];
const MUTATING = /^(Create|Delete|Accept|Modify|Authorize|Revoke)/;

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker();
});
afterAll(async () => {
  await w?.shutdown();
});

describe('GIVEN a full mesh of 4 VPCs in 4 regions, the us-west-2 one existing with two route tables', () => {
  const meshId = uniqueId('mesh');
  let existing: string;
  let existingBefore: string[];
  let request: MeshRequest;
  let first: MeshResult;

  beforeAll(async () => {
    const west = ec2('us-west-2');
    // With DNS hostnames on, as remote DNS resolution over its peerings needs.
    existing = await existingVpc('us-west-2', '10.13.0.0/16');
    await west.send(new CreateRouteTableCommand({ VpcId: existing }));
    existingBefore = await vpcSnapshot('us-west-2', existing);
    request = {
      vpcs: {
        use1: { region: 'us-east-1', cidrBlock: '10.10.0.0/16', name: 'mesh-use1' },
        euw1: { region: 'eu-west-1', cidrBlock: '10.11.0.0/16', name: 'mesh-euw1' },
        apne1: { region: 'ap-northeast-1', cidrBlock: '10.12.0.0/16' },
        usw2: { region: 'us-west-2', vpcId: existing },
      },
      topology: 'full-mesh',
      allow: ALLOW,
      tags: { Project: 'mesh-test' },
    };
    first = await runMesh(w, request, meshId);
  });

  test('WHEN set up THEN there are 6 peerings, each active in both regions, with the contract child ids', async () => {
    expect(first.peerings.map((p) => p.setupWorkflowId).sort()).toEqual(
      [
        ['use1', 'euw1'],
        ['use1', 'apne1'],
        ['use1', 'usw2'],
        ['euw1', 'apne1'],
        ['euw1', 'usw2'],
        ['apne1', 'usw2'],
      ]
        .map((p) => pairSetupId(meshId, p as [string, string]))
        .sort(),
    );
    for (const p of first.peerings) {
      for (const key of p.between) {
        const out = await ec2(first.vpcs[key]!.region).send(
          new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [p.peeringConnectionId] }),
        );
        expect({ pcx: p.peeringConnectionId, status: out.VpcPeeringConnections?.[0]?.Status?.Code }).toEqual({
          pcx: p.peeringConnectionId,
          status: 'active',
        });
      }
    }
    expect(first.created.filter((r) => r.type === 'vpc')).toHaveLength(3);
    expect(first.alreadyThere).toEqual({ vpcs: ['usw2'], peerings: [] });
  });

  test('THEN every table of every VPC routes the 3 other CIDRs, each through its own peering', async () => {
    expect((await tablesOf('us-west-2', existing)).length).toBe(2);
    for (const key of Object.keys(request.vpcs)) await expectRoutedExactly(first, key);
  });

  test('THEN each VPC has one peering-<pcx> group per peer with exactly the allowed ports, and NACL entries in ranges that never collide', async () => {
    for (const key of Object.keys(request.vpcs)) {
      const own = first.vpcs[key]!;
      const groups = await ec2(own.region).send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [own.vpcId] }] }),
      );
      const acls = await ec2(own.region).send(
        new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [own.vpcId] }] }),
      );
      const ranges: number[] = [];
      for (const { peer, pcx } of peersOf(first, key)) {
        const cidr = first.vpcs[peer]!.cidrBlock;
        const group = groups.SecurityGroups?.find((g) => g.GroupName === `peering-${pcx}`);
        const flat = (perms: NonNullable<typeof group>['IpPermissions']) =>
          (perms ?? []).flatMap((p) => (p.IpRanges ?? []).map((r) => `${p.FromPort}:${r.CidrIp}`)).sort();
        expect({ key, pcx, in: flat(group?.IpPermissions), out: flat(group?.IpPermissionsEgress) }).toEqual({
          key,
          pcx,
          in: [`443:${cidr}`, `5432:${cidr}`],
          out: [`443:${cidr}`, `5432:${cidr}`],
        });
        const pair = first.plan.pairs.find((p) => p.between.includes(key) && p.between.includes(peer))!;
        ranges.push(pair.naclRuleBase);
        for (const acl of acls.NetworkAcls ?? []) {
          const ours = (acl.Entries ?? [])
            .filter((e) => e.CidrBlock === cidr)
            .map((e) => `${e.Egress ? 'out' : 'in'}:${e.RuleNumber! - pair.naclRuleBase}:${e.PortRange?.From}`)
            .sort();
          expect({ key, peer, ours }).toEqual({
            key,
            peer,
            ours: ['in:0:443', 'in:1:1024', 'out:0:443', 'out:1:1024'],
          });
        }
      }
      const width = first.plan.naclRuleWidth;
      const sorted = [...ranges].sort((a, b) => a - b);
      sorted.slice(1).forEach((base, i) => expect(base).toBeGreaterThanOrEqual(sorted[i]! + width));
    }
  });

  test('THEN the Web UI shows the mesh and its size on the parent, and each child as its related run naming its pair', async () => {
    const parent = await w.client.workflow.getHandle(meshId).describe();
    expect(await parent.staticSummary()).toBe(meshSummary(meshId, request));
    expect(await parent.staticSummary()).toContain('4 VPCs in 4 region(s), 6 peerings (full mesh)');
    for (const p of first.peerings) {
      const child = await w.client.workflow.getHandle(p.setupWorkflowId).describe();
      expect(child.parentExecution?.workflowId).toBe(meshId);
      expect(await child.staticSummary()).toContain(`pair ${p.between[0]} `);
      expect(await child.staticSummary()).toContain(`↔ ${p.between[1]} `);
    }
  });

  describe('WHEN the same mesh id runs again with a 5th VPC, in eu-west-1 beside euw1', () => {
    let second: MeshResult;
    let before: Record<string, string[]>;
    let calls: Array<{ operation: string; region: string }>;

    beforeAll(async () => {
      before = {};
      for (const key of Object.keys(first.vpcs))
        before[key] = await vpcSnapshot(first.vpcs[key]!.region, first.vpcs[key]!.vpcId);
      const from = w.calls.length;
      second = await runMesh(
        w,
        { ...request, vpcs: { ...request.vpcs, euw1b: { region: 'eu-west-1', cidrBlock: '10.14.0.0/16' } } },
        meshId,
      );
      calls = w.calls.slice(from).filter((c) => MUTATING.test(c.operation));
    });

    test('THEN it creates the new VPC and its 4 pairs only, and says what was already there', () => {
      const fresh = second.peerings.filter((p) => !p.alreadyThere);
      expect(fresh.map((p) => p.between.join('-')).sort()).toEqual(
        ['use1-euw1b', 'euw1-euw1b', 'apne1-euw1b', 'usw2-euw1b'].sort(),
      );
      expect(second.alreadyThere.vpcs.sort()).toEqual(['apne1', 'euw1', 'use1', 'usw2']);
      expect(second.alreadyThere.peerings.sort()).toEqual(first.peerings.map((p) => p.setupWorkflowId).sort());
      // Each ref names the account that owns it, for removal through the right side.
      expect(second.created.filter((r) => r.type === 'vpc')).toEqual([
        { type: 'vpc', region: 'eu-west-1', id: second.vpcs.euw1b!.vpcId, accountId: '123456789012' },
      ]);
      const count = (op: string) => calls.filter((c) => c.operation === op).length;
      expect({ vpcs: count('CreateVpc'), peerings: count('CreateVpcPeeringConnection') }).toEqual({
        vpcs: 1,
        peerings: 4,
      });
    });

    test('THEN the 4 earlier VPCs only gained what the new pairs add (their routes, groups and entries for 10.14.0.0/16)', async () => {
      const fresh = second.peerings.filter((p) => !p.alreadyThere);
      for (const key of Object.keys(first.vpcs)) {
        const after = await vpcSnapshot(first.vpcs[key]!.region, first.vpcs[key]!.vpcId);
        expect({ key, missing: before[key]!.filter((l) => !after.includes(l)) }).toEqual({ key, missing: [] });
        const added = after.filter((l) => !before[key]!.includes(l));
        const groups = await ec2(first.vpcs[key]!.region).send(
          new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [first.vpcs[key]!.vpcId] }] }),
        );
        const newGroup = groups.SecurityGroups?.find((g) =>
          fresh.some((p) => g.GroupName === `peering-${p.peeringConnectionId}`),
        );
        expect(added.length).toBeGreaterThan(0);
        expect({
          key,
          // The new pairs' routes and entries name the new CIDR, their groups and ACL records their own ids.
          unexplained: added.filter(
            (l) =>
              !l.includes('10.14.0.0/16') &&
              !l.includes(newGroup!.GroupId!) &&
              !fresh.some((p) => l.includes(`:${p.peeringConnectionId}=`)),
          ),
        }).toEqual({
          key,
          unexplained: [],
        });
      }
      for (const key of Object.keys(second.vpcs)) await expectRoutedExactly(second, key);
    });

    describe('WHEN the mesh is torn down, twice', () => {
      let down: Awaited<ReturnType<typeof teardownMesh>>;
      let again: Awaited<ReturnType<typeof teardownMesh>>;

      beforeAll(async () => {
        down = await teardownMesh(w, meshId, uniqueId('mesh-teardown'));
        again = await teardownMesh(w, meshId, uniqueId('mesh-teardown'));
      });

      test('THEN nothing tagged with the mesh or its pairs is left, and the existing VPC is exactly as before', async () => {
        const cidrs = Object.values(second.vpcs).map((v) => v.cidrBlock);
        expect(await meshLeftovers(meshId, cidrs)).toEqual([]);
        expect(down.deleted.filter((r) => r.type === 'peering-connection')).toHaveLength(10);
        expect(
          down.deleted
            .filter((r) => r.type === 'vpc')
            .map((r) => r.id)
            .sort(),
        ).toEqual(['use1', 'euw1', 'apne1', 'euw1b'].map((k) => second.vpcs[k]!.vpcId).sort());
        expect(await vpcSnapshot('us-west-2', existing)).toEqual(existingBefore);
      });

      test('THEN the second teardown deletes nothing', () => {
        expect(again).toEqual({ deleted: [], alreadyGone: [] });
      });
    });
  });
});

describe('GIVEN a hub in us-east-1 with 3 spokes, one of them in us-east-1 too', () => {
  const meshId = uniqueId('hub');
  let result: MeshResult;

  beforeAll(async () => {
    result = await runMesh(
      w,
      {
        vpcs: {
          hub: { region: 'us-east-1', cidrBlock: '10.30.0.0/16', name: 'shared-services' },
          east: { region: 'us-east-1', cidrBlock: '10.31.0.0/16' },
          eu: { region: 'eu-west-1', cidrBlock: '10.32.0.0/16' },
          ap: { region: 'ap-northeast-1', cidrBlock: '10.33.0.0/16' },
        },
        topology: { hub: 'hub' },
        allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
      },
      meshId,
    );
  });

  test('WHEN set up THEN the hub is peered with each spoke, the one in its own region without PeerRegion', async () => {
    expect(result.peerings.map((p) => p.between.join('-'))).toEqual(['hub-east', 'hub-eu', 'hub-ap']);
    const intra = result.peerings.find((p) => p.between[1] === 'east')!;
    const pcx = (
      await ec2('us-east-1').send(
        new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [intra.peeringConnectionId] }),
      )
    ).VpcPeeringConnections?.[0];
    expect({
      status: pcx?.Status?.Code,
      requester: pcx?.RequesterVpcInfo?.Region,
      accepter: pcx?.AccepterVpcInfo?.Region,
    }).toEqual({ status: 'active', requester: 'us-east-1', accepter: 'us-east-1' });
  });

  test('THEN the hub routes every spoke, and no spoke routes another spoke', async () => {
    for (const key of ['hub', 'east', 'eu', 'ap']) await expectRoutedExactly(result, key);
    for (const spoke of ['east', 'eu', 'ap']) {
      const tables = await tablesOf(result.vpcs[spoke]!.region, result.vpcs[spoke]!.vpcId);
      const destinations = tables.flatMap((t) => (t.Routes ?? []).map((r) => r.DestinationCidrBlock));
      expect({ spoke, destinations: destinations.filter((d) => d !== result.vpcs[spoke]!.cidrBlock) }).toEqual({
        spoke,
        destinations: tables.map(() => '10.30.0.0/16'),
      });
    }
  });

  test('WHEN torn down THEN nothing of it is left, the intra-region pair included', async () => {
    await teardownMesh(w, meshId, uniqueId('hub-teardown'));
    expect(
      await meshLeftovers(
        meshId,
        Object.values(result.vpcs).map((v) => v.cidrBlock),
      ),
    ).toEqual([]);
  });
});
