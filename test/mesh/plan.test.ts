/**
 * The mesh planner, pure: its quota figures, checked by example and by property (fast-check)
 * against a model that applies each pair's own setup plan to the VPCs.
 */
import fc from 'fast-check';
import { newVpcState, planMesh } from '../../src/domain/mesh/plan';
import { pairSetupId } from '../../src/domain/mesh/topology';
import type { MeshPlan, MeshRequest, MeshState, MeshVpcState } from '../../src/domain/mesh/types';
import { builtInQuotas, type RegionQuotas } from '../../src/domain/aws/quotas';
import { naclPlan } from '../../src/domain/peering/rules-plan';
import type { AllowRule } from '../../src/domain/peering/types';

const HTTPS: AllowRule = { protocol: 'tcp', fromPort: 443, toPort: 443 };
const SSH: AllowRule = { protocol: 'tcp', fromPort: 22, toPort: 22 };
const PG: AllowRule = { protocol: 'tcp', fromPort: 5432, toPort: 5432 };
const DNS: AllowRule = { protocol: 'udp', fromPort: 53, toPort: 53 };
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-1', 'us-west-2', 'eu-central-1'];

function meshOf(n: number, allow: AllowRule[], topology: MeshRequest['topology'] = 'full-mesh'): MeshRequest {
  const vpcs: MeshRequest['vpcs'] = {};
  for (let i = 0; i < n; i++) vpcs[`v${i}`] = { region: REGIONS[i % REGIONS.length]!, cidrBlock: `10.${i}.0.0/16` };
  return { vpcs, topology, allow };
}

function plan(request: MeshRequest, state: MeshState = { vpcs: {}, peerings: [] }, quotas?: RegionQuotas): MeshPlan {
  const all = quotas ? Object.fromEntries(REGIONS.map((r) => [r, quotas])) : {};
  const out = planMesh({ meshId: 'm', request, state, quotas: all });
  if (!out.ok) throw new Error(`${out.error.field}: ${out.error.reason}`);
  return out.value;
}

const figureOf = (p: MeshPlan, key: string, quota: string, scope?: string) =>
  p.vpcs.find((v) => v.key === key)!.figures.find((f) => f.quota === quota && (!scope || f.scope === scope))!;

/** Applies each pair's own setup plan (both sides, as the child does) to a copy of the VPCs. */
function simulate(request: MeshRequest, p: MeshPlan, state: MeshState) {
  const model = new Map<string, MeshVpcState>();
  for (const v of p.vpcs) {
    const s = state.vpcs[v.key] ?? newVpcState(v.key, v.region, v.cidrBlock);
    model.set(v.key, JSON.parse(JSON.stringify(s)) as MeshVpcState);
  }
  for (const pair of p.pairs.filter((x) => !x.alreadyThere)) {
    for (const [own, peer] of [pair.between, [pair.between[1], pair.between[0]]] as const) {
      const o = model.get(own)!;
      const peerCidr = model.get(peer)!.cidrBlock;
      if (!pair.peeringConnectionId) o.livePeeringIds.push(`pcx-${pair.setupWorkflowId}`);
      for (const t of o.routeTables) t.routes.push({ destination: peerCidr, target: pair.setupWorkflowId });
      for (const acl of o.networkAcls) {
        for (const e of naclPlan(o.cidrBlock, peerCidr, request.allow, pair.naclRuleBase)) {
          const list = e.egress ? acl.egress : acl.ingress;
          expect({ acl: acl.id, rule: e.ruleNumber, collides: list.includes(e.ruleNumber) }).toEqual({
            acl: acl.id,
            rule: e.ruleNumber,
            collides: false,
          });
          list.push(e.ruleNumber);
        }
      }
    }
  }
  return model;
}

describe('quota figures', () => {
  const existingVpc = (key: string, region: string, cidr: string, routes: number, entries: number): MeshVpcState => ({
    key,
    region,
    vpcId: `vpc-${key}`,
    cidrBlock: cidr,
    madeByMesh: false,
    routeTables: [
      {
        id: `rtb-${key}`,
        routes: Array.from({ length: routes }, (_, i) => ({ destination: `172.16.${i}.0/24`, target: 'igw-1' })),
      },
      { id: `rtb-${key}-2`, routes: [{ destination: cidr, target: 'local' }] },
    ],
    networkAcls: [
      {
        id: `acl-${key}`,
        isDefault: true,
        ingress: [...Array.from({ length: entries }, (_, i) => 100 + i * 7), 32767],
        egress: [100, 32767],
      },
    ],
    livePeeringIds: ['pcx-old'],
  });

  test('GIVEN any mesh with existing VPCs WHEN planned THEN every figure equals what the pairs really add, and nothing collides', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9 }),
        fc.subarray([HTTPS, SSH, PG, DNS], { minLength: 1 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 30 }),
        (n, allow, hub, entries, routes) => {
          const request = meshOf(n, allow, hub ? { hub: 'v1' } : 'full-mesh');
          const state: MeshState = {
            vpcs: { v0: existingVpc('v0', 'us-east-1', '10.0.0.0/16', routes, entries) },
            peerings: [],
          };
          const p = plan(request, state);
          const model = simulate(request, p, state);
          for (const v of p.vpcs) {
            const m = model.get(v.key)!;
            expect(figureOf(p, v.key, 'peerings').planned).toBe(m.livePeeringIds.length);
            for (const t of m.routeTables)
              expect({ t: t.id, n: figureOf(p, v.key, 'routes', t.id).planned }).toEqual({
                t: t.id,
                n: t.routes.length,
              });
            for (const acl of m.networkAcls) {
              expect(figureOf(p, v.key, 'naclEntries', `${acl.id} ingress`).planned).toBe(acl.ingress.length);
              expect(figureOf(p, v.key, 'naclEntries', `${acl.id} egress`).planned).toBe(acl.egress.length);
            }
            expect(figureOf(p, v.key, 'groupRules').planned).toBe(allow.length);
          }
        },
      ),
    );
  });

  test('GIVEN 12 VPCs with two allow rules WHEN fully meshed THEN every VPC is past the 20 NACL entries, named with its count', () => {
    const p = plan(meshOf(12, [HTTPS, SSH]));
    // 11 peers x (443, 22 and the return range) + the default ACL's rule 100 and its deny.
    expect(figureOf(p, 'v0', 'naclEntries', '(default ACL) ingress')).toMatchObject({
      planned: 35,
      limit: 20,
      over: true,
    });
    expect(p.violations).toHaveLength(24);
    expect(p.violations[0]).toMatchObject({
      vpc: 'v0',
      quota: 'naclEntries',
      code: 'L-2AEEBF1A',
      count: 35,
      limit: 20,
    });
    expect(p.violations[0]!.message).toContain('vpcs.v0: Rules per network ACL (L-2AEEBF1A) would be 35');
  });

  test("GIVEN the same mesh WHEN the account's Service Quotas value is 40 THEN it fits, and the figure shows 40 from service-quotas", () => {
    const raised: RegionQuotas = { ...builtInQuotas(), naclEntries: { value: 40, source: 'service-quotas' } };
    const p = plan(meshOf(12, [HTTPS, SSH]), undefined, raised);
    expect(p.violations).toEqual([]);
    expect(figureOf(p, 'v3', 'naclEntries', '(default ACL) egress')).toMatchObject({
      planned: 35,
      limit: 40,
      source: 'service-quotas',
      tight: true,
    });
  });

  test('GIVEN an existing VPC whose ACL holds 16 entries plus its deny WHEN 3 peers are added THEN its ingress is past the quota', () => {
    const request = meshOf(4, [HTTPS]);
    request.vpcs.v0 = { region: 'us-east-1', vpcId: 'vpc-v0' };
    const state: MeshState = { vpcs: { v0: existingVpc('v0', 'us-east-1', '10.0.0.0/16', 0, 16) }, peerings: [] };
    const p = plan(request, state);
    expect(p.violations.map((v) => [v.vpc, v.scope, v.count])).toEqual([['v0', 'acl-v0 ingress', 23]]);
    // Its entries keep their numbers: the pairs' ranges step around 100, 107, ... 205.
    for (const pair of p.pairs.filter((x) => x.between.includes('v0'))) {
      for (let n = pair.naclRuleBase; n < pair.naclRuleBase + p.naclRuleWidth; n++)
        expect(state.vpcs.v0!.networkAcls[0]!.ingress).not.toContain(n);
    }
  });

  test('GIVEN an existing table with 48 routes WHEN 3 peers are added THEN routes per table is past 50 in that table only', () => {
    const request = meshOf(4, [HTTPS]);
    request.vpcs.v0 = { region: 'us-east-1', vpcId: 'vpc-v0' };
    const p = plan(request, { vpcs: { v0: existingVpc('v0', 'us-east-1', '10.0.0.0/16', 48, 0) }, peerings: [] });
    expect(p.violations.map((v) => [v.quota, v.scope, v.count, v.limit])).toEqual([['routes', 'rtb-v0', 51, 50]]);
  });

  test('GIVEN the pairs of an earlier run already there WHEN one VPC more is planned THEN only its pairs add anything', () => {
    const first = plan(meshOf(4, [HTTPS, PG]));
    const second = meshOf(5, [HTTPS, PG]);
    const state: MeshState = { vpcs: {}, peerings: [] };
    const made = simulate(second, first, { vpcs: {}, peerings: [] });
    for (const [key, vpc] of made) state.vpcs[key] = { ...vpc, vpcId: `vpc-${key}`, madeByMesh: true };
    state.peerings = first.pairs.map((p) => ({
      setupWorkflowId: p.setupWorkflowId,
      peeringConnectionId: `pcx-${p.setupWorkflowId}`,
      status: 'active',
      naclRules: [p.naclRuleBase, p.naclRuleBase + first.naclRuleWidth - 1],
    }));
    const p = plan(second, state);
    expect(p.pairs.filter((x) => !x.alreadyThere).map((x) => x.setupWorkflowId)).toEqual(
      ['v0', 'v1', 'v2', 'v3'].map((k) => pairSetupId('m', [k, 'v4'])),
    );
    for (const pair of first.pairs)
      expect(p.pairs.find((x) => x.setupWorkflowId === pair.setupWorkflowId)?.naclRuleBase).toBe(pair.naclRuleBase);
    expect(figureOf(p, 'v0', 'peerings')).toMatchObject({ existing: 3, planned: 4 });
    expect(figureOf(p, 'v4', 'peerings')).toMatchObject({ existing: 0, planned: 4 });
  });

  test('GIVEN a table already routing a peer CIDR elsewhere THEN the plan refuses it, naming the table', () => {
    const request = meshOf(2, [HTTPS]);
    request.vpcs.v0 = { region: 'us-east-1', vpcId: 'vpc-v0' };
    const v0 = existingVpc('v0', 'us-east-1', '10.0.0.0/16', 0, 0);
    v0.routeTables[0]!.routes.push({ destination: '10.1.0.0/16', target: 'tgw-1' });
    const out = planMesh({ meshId: 'm', request, state: { vpcs: { v0 }, peerings: [] }, quotas: {} });
    expect(out).toMatchObject({
      ok: false,
      error: { field: 'vpcs.v0', reason: expect.stringContaining('rtb-v0 already routes 10.1.0.0/16') },
    });
  });

  test('GIVEN an existing VPC whose CIDR overlaps another of the mesh THEN the plan refuses it', () => {
    const request = meshOf(3, [HTTPS]);
    request.vpcs.v2 = { region: 'us-east-1', vpcId: 'vpc-v2' };
    const v2 = existingVpc('v2', 'us-east-1', '10.1.0.0/24', 0, 0);
    const out = planMesh({ meshId: 'm', request, state: { vpcs: { v2 }, peerings: [] }, quotas: {} });
    expect(out).toMatchObject({ ok: false, error: { field: 'vpcs.v2.cidrBlock' } });
  });

  test('GIVEN pairs of an earlier, larger request WHEN a VPC is dropped or the rules change THEN the plan refuses it', () => {
    const first = plan(meshOf(3, [HTTPS]));
    const peerings = first.pairs.map((p) => ({
      setupWorkflowId: p.setupWorkflowId,
      peeringConnectionId: `pcx-${p.between.join('')}`,
      status: 'active',
      naclRules: [p.naclRuleBase, p.naclRuleBase + first.naclRuleWidth - 1] as [number, number],
    }));
    const dropped = planMesh({ meshId: 'm', request: meshOf(2, [HTTPS]), state: { vpcs: {}, peerings }, quotas: {} });
    expect(dropped).toMatchObject({
      ok: false,
      error: { field: 'vpcs', reason: expect.stringContaining('m--v0--v2') },
    });
    const wider = planMesh({
      meshId: 'm',
      request: meshOf(3, [HTTPS, SSH]),
      state: { vpcs: {}, peerings },
      quotas: {},
    });
    expect(wider).toMatchObject({
      ok: false,
      error: { field: 'allow', reason: expect.stringContaining('2 NACL rules, now 3') },
    });
  });
});
