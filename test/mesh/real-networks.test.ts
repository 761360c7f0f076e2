/**
 * The mesh planner over real organisations' VPCs: an existing VPC's secondary CIDRs count in every
 * peer's routes, rules and NACL entries (and widen its pairs' rule ranges), route tables chosen by
 * tag are the ones counted, and IPv6, which it does not plan, is refused with the reason.
 */
import { planMesh } from '../../src/domain/mesh/plan';
import type { MeshPlan, MeshRequest, MeshState, MeshVpcState } from '../../src/domain/mesh/types';
import { naclPlan } from '../../src/domain/peering/rules-plan';
import type { AllowRule } from '../../src/domain/peering/types';
import { validateMeshRequest } from '../../src/domain/mesh/validate';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { existingNetwork, taggedTable } from '../support/real-networks';

const ALLOW: AllowRule[] = [
  { protocol: 'tcp', fromPort: 443, toPort: 443 },
  { protocol: 'tcp', fromPort: 22, toPort: 22 },
];

const existing: MeshVpcState = {
  key: 'shared',
  region: 'us-east-1',
  vpcId: 'vpc-0123456789abcdef0',
  cidrBlock: '10.100.0.0/16',
  cidrBlocks: ['10.100.0.0/16', '10.101.0.0/16', '10.102.0.0/16'],
  madeByMesh: false,
  routeTables: [{ id: 'rtb-private', routes: [{ destination: '10.100.0.0/16', target: 'local' }] }],
  networkAcls: [{ id: 'acl-1', isDefault: true, ingress: [100, 32767], egress: [100, 32767] }],
  livePeeringIds: [],
};
const request: MeshRequest = {
  vpcs: {
    use1: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' },
    euw1: { region: 'eu-west-1', cidrBlock: '10.1.0.0/16' },
    shared: { region: 'us-east-1', vpcId: existing.vpcId! },
  },
  topology: 'full-mesh',
  allow: ALLOW,
};

function planned(state: MeshState = { vpcs: { shared: existing }, peerings: [] }): MeshPlan {
  const out = planMesh({ meshId: 'm', request, state, quotas: {} });
  if (!out.ok) throw new Error(`${out.error.field}: ${out.error.reason}`);
  return out.value;
}
const figure = (p: MeshPlan, key: string, quota: string, scope?: string) =>
  p.vpcs.find((v) => v.key === key)!.figures.find((f) => f.quota === quota && (!scope || f.scope === scope))!;

describe('GIVEN a mesh with an existing VPC of three IPv4 CIDRs', () => {
  test("WHEN planned THEN each peer's table counts a route to each of its CIDRs", () => {
    const p = planned();
    // use1's new main table: its local route, euw1's one CIDR, and shared's three.
    expect(figure(p, 'use1', 'routes').planned).toBe(1 + 1 + 3);
    expect(figure(p, 'shared', 'routes', 'rtb-private').planned).toBe(1 + 2);
  });

  test("WHEN planned THEN a peer's group and NACL figures count the rules for each CIDR", () => {
    const p = planned();
    // Two allow rules, each from shared's three CIDRs; the return range once per CIDR.
    expect(figure(p, 'use1', 'groupRules').planned).toBe(6);
    expect(figure(p, 'use1', 'naclEntries', '(default ACL) ingress').planned).toBe(2 + 3 * 3 + 1 * 3);
  });

  test("WHEN the pairs' rule ranges are given out THEN a pair with the three-CIDR VPC takes three times the numbers, and no two pairs' entries collide", () => {
    const p = planned();
    const withShared = p.pairs.filter((x) => x.between.includes('shared'));
    expect(withShared.map((x) => x.naclRuleWidth)).toEqual([3 * p.naclRuleWidth, 3 * p.naclRuleWidth]);
    const cidrs: Record<string, string[]> = {
      use1: ['10.0.0.0/16'],
      euw1: ['10.1.0.0/16'],
      shared: existing.cidrBlocks!,
    };
    const used = new Map<string, Set<string>>();
    for (const pair of p.pairs) {
      for (const [own, peer] of [pair.between, [pair.between[1], pair.between[0]]] as const) {
        for (const e of naclPlan(cidrs[own]!, cidrs[peer]!, ALLOW, pair.naclRuleBase)) {
          const key = `${e.egress} ${e.ruleNumber}`;
          const mine = used.get(own) ?? new Set<string>();
          expect({ vpc: own, key, collides: mine.has(key) }).toEqual({ vpc: own, key, collides: false });
          mine.add(key);
          used.set(own, mine);
        }
      }
    }
  });

  test("WHEN another VPC overlaps the existing VPC's secondary CIDR THEN the plan refuses it", () => {
    const out = planMesh({
      meshId: 'm',
      request: { ...request, vpcs: { ...request.vpcs, euw1: { region: 'eu-west-1', cidrBlock: '10.102.0.0/20' } } },
      state: { vpcs: { shared: existing }, peerings: [] },
      quotas: {},
    });
    expect(out).toMatchObject({ ok: false, error: { field: 'vpcs.shared.cidrBlock' } });
    expect(!out.ok && out.error.reason).toContain('10.102.0.0/16 overlaps vpcs.euw1 (10.102.0.0/20)');
  });
});

test('GIVEN a mesh request with ipv6 WHEN validated THEN it is refused, saying the planner does not plan IPv6', () => {
  expect(validateMeshRequest({ ...request, ipv6: true })).toEqual({
    ok: false,
    error: { field: 'ipv6', reason: expect.stringContaining('is not planned for meshes') },
  });
});

describe('GIVEN an existing VPC with a private and a public table, and a secondary CIDR, read by the mesh planner on moto', () => {
  let w: TestWorker;
  beforeAll(async () => {
    w = await startTestWorker();
  });
  afterAll(async () => {
    await w?.shutdown();
  });

  test('WHEN a mesh plans it with routeTableTags Tier=private THEN only the private table is counted, and the peers count both CIDRs', async () => {
    const { vpcId } = await existingNetwork({
      region: 'us-east-1',
      cidrBlock: '10.190.0.0/16',
      secondary: ['10.191.0.0/16'],
    });
    const privateTable = await taggedTable('us-east-1', vpcId, { Tier: 'private' });
    await taggedTable('us-east-1', vpcId, { Tier: 'public' });
    const plan = (await w.client.workflow.execute('PlanPeeringMesh', {
      taskQueue: w.taskQueue,
      workflowId: uniqueId('mesh-plan-real'),
      args: [
        {
          vpcs: {
            dr: { region: 'eu-west-1', cidrBlock: '10.192.0.0/16' },
            shared: { region: 'us-east-1', vpcId, routeTableTags: { Tier: 'private' } },
          },
          topology: 'full-mesh',
          allow: ALLOW,
        } satisfies MeshRequest,
      ],
    })) as MeshPlan;
    const shared = plan.vpcs.find((v) => v.key === 'shared')!;
    expect(shared.figures.filter((f) => f.quota === 'routes').map((f) => f.scope)).toEqual([privateTable]);
    expect(figure(plan, 'dr', 'routes').planned).toBe(1 + 2);
  });
});
