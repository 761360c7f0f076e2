/**
 * The security-group and NACL plans, for any valid request: no two rules with the same effect,
 * never open to 0.0.0.0/0, every allowed rule present, and NACL rule numbers inside the span the
 * setup records on the peering.
 */
import fc from 'fast-check';
import { contains, parseCidr, type Cidr } from '../../src/domain/net/cidr';
import { VPC_QUOTAS } from '../../src/domain/aws/quotas';
import {
  EPHEMERAL,
  effectKey,
  naclPlan,
  naclRuleSpan,
  securityGroupPlan,
  type NaclEntrySpec,
} from '../../src/domain/peering/rules-plan';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { naclRuleCount, validatePeeringRequest } from '../../src/domain/peering/validate';
import { request } from './arbitraries';

const validRequest = request.filter((r) => validatePeeringRequest(r).ok);
const sidesOf = (r: PeeringRequest) => [
  { own: r.requester.cidrBlock!, peer: r.accepter.cidrBlock! },
  { own: r.accepter.cidrBlock!, peer: r.requester.cidrBlock! },
];
const cidr = (text: string) => parseCidr(text) as Cidr;
const distinct = <T>(items: T[], key: (t: T) => string) => new Set(items.map(key)).size === items.length;
const RUNS = { numRuns: 300 };

describe('GIVEN the ABC Corp rules (5432 and 443 between 10.0.0.0/16 and 10.1.0.0/16)', () => {
  const allow = [
    { protocol: 'tcp' as const, fromPort: 5432, toPort: 5432 },
    { protocol: 'tcp' as const, fromPort: 443, toPort: 443 },
  ];

  test('WHEN planned THEN each group admits both from the peer and reaches both in the peer', () => {
    expect(securityGroupPlan('10.0.0.0/16', '10.1.0.0/16', allow)).toEqual({
      ingress: [
        { protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrBlock: '10.1.0.0/16' },
        { protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlock: '10.1.0.0/16' },
      ],
      egress: [
        { protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrBlock: '10.1.0.0/16' },
        { protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlock: '10.1.0.0/16' },
      ],
    });
  });

  test('WHEN the NACL is planned THEN 443 and the return range get 900 and 901 each way, 5432 rides the return range', () => {
    const plan = naclPlan('10.0.0.0/16', '10.1.0.0/16', allow, 900);
    expect(plan.map((e) => `${e.egress ? 'out' : 'in'} ${e.ruleNumber} ${e.fromPort}-${e.toPort}`)).toEqual([
      'in 900 443-443',
      'in 901 1024-65535',
      'out 900 443-443',
      'out 901 1024-65535',
    ]);
    expect(naclRuleSpan([plan], 900)).toEqual({ first: 900, last: 901 });
    expect(naclRuleCount(allow)).toBeGreaterThanOrEqual(2);
  });
});

describe('GIVEN two rules narrowed to different parts of the requester CIDR, on the same port', () => {
  const allow = [
    { protocol: 'tcp' as const, fromPort: 443, toPort: 443, cidrBlock: '10.0.1.0/24' },
    { protocol: 'tcp' as const, fromPort: 443, toPort: 443, cidrBlock: '10.0.2.0/24' },
  ];

  test('WHEN the requester side is planned THEN its egress to the peer holds that permission once', () => {
    expect(securityGroupPlan('10.0.0.0/16', '10.1.0.0/16', allow).egress).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlock: '10.1.0.0/16' },
    ]);
    expect(naclPlan('10.0.0.0/16', '10.1.0.0/16', allow, 900).filter((e) => e.egress)).toHaveLength(2);
  });

  test('WHEN the accepter side is planned THEN it admits both sources', () => {
    expect(securityGroupPlan('10.1.0.0/16', '10.0.0.0/16', allow).ingress.map((p) => p.cidrBlock)).toEqual([
      '10.0.1.0/24',
      '10.0.2.0/24',
    ]);
  });
});

describe('for any valid request', () => {
  test('THEN neither group plan holds two rules with the same effect, nor one open to 0.0.0.0/0', () => {
    fc.assert(
      fc.property(validRequest, (r) => {
        for (const { own, peer } of sidesOf(r)) {
          const plan = securityGroupPlan(own, peer, r.allow);
          for (const perms of [plan.ingress, plan.egress]) {
            expect(distinct(perms, effectKey)).toBe(true);
            expect(perms.length).toBeLessThanOrEqual(VPC_QUOTAS.groupRules.default);
            for (const p of perms) expect(cidr(p.cidrBlock).prefix).toBeGreaterThan(0);
          }
          for (const p of plan.ingress) expect(contains(cidr(peer), cidr(p.cidrBlock))).toBe(true);
          for (const p of plan.egress) expect(p.cidrBlock).toBe(peer);
        }
      }),
      RUNS,
    );
  });

  test('THEN every allowed rule is in the plan of each side it applies to: none is lost', () => {
    fc.assert(
      fc.property(validRequest, (r) => {
        for (const { own, peer } of sidesOf(r)) {
          const plan = securityGroupPlan(own, peer, r.allow);
          const ingress = new Set(plan.ingress.map(effectKey));
          const egress = new Set(plan.egress.map(effectKey));
          for (const rule of r.allow) {
            const source = rule.cidrBlock ?? peer;
            if (contains(cidr(peer), cidr(source)))
              expect(ingress.has(effectKey({ ...rule, cidrBlock: source }))).toBe(true);
            if (contains(cidr(own), cidr(rule.cidrBlock ?? own)))
              expect(egress.has(effectKey({ ...rule, cidrBlock: peer }))).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  test('THEN each NACL direction holds no two alike entries, numbered without gaps from the base, within the quota', () => {
    fc.assert(
      fc.property(validRequest, (r) => {
        const base = r.naclRuleBase ?? 900;
        for (const { own, peer } of sidesOf(r)) {
          const plan = naclPlan(own, peer, r.allow, base);
          for (const egress of [false, true]) {
            const entries = plan.filter((e) => e.egress === egress);
            expect(distinct(entries, effectKey)).toBe(true);
            expect(entries.map((e) => e.ruleNumber)).toEqual(entries.map((_, i) => base + i));
            expect(entries.length + 1).toBeLessThanOrEqual(VPC_QUOTAS.naclEntries.default);
            expect(entries.length).toBeLessThanOrEqual(naclRuleCount(r.allow));
            for (const e of entries) expect(cidr(e.cidrBlock).prefix).toBeGreaterThan(0);
          }
        }
      }),
      RUNS,
    );
  });

  test('THEN every NACL rule number of both sides lies in the span the setup records, and the span is no wider', () => {
    fc.assert(
      fc.property(validRequest, (r) => {
        const base = r.naclRuleBase ?? 900;
        const plans = sidesOf(r).map(({ own, peer }) => naclPlan(own, peer, r.allow, base));
        const span = naclRuleSpan(plans, base);
        const numbers = plans.flat().map((e: NaclEntrySpec) => e.ruleNumber);
        for (const n of numbers) {
          expect(n).toBeGreaterThanOrEqual(span.first);
          expect(n).toBeLessThanOrEqual(span.last);
        }
        expect(numbers).toContain(span.first);
        expect(numbers).toContain(span.last);
        expect(span.last).toBeLessThanOrEqual(32766);
      }),
      RUNS,
    );
  });

  test('THEN every allowed tcp/udp port is admitted by a NACL entry of each side it applies to', () => {
    fc.assert(
      fc.property(validRequest, (r) => {
        for (const { own, peer } of sidesOf(r)) {
          const inbound = naclPlan(own, peer, r.allow, 900).filter((e) => !e.egress);
          for (const rule of r.allow.filter((x) => x.protocol !== 'icmp')) {
            const source = cidr(rule.cidrBlock ?? peer);
            if (!contains(cidr(peer), source)) continue;
            const covered = inbound.some(
              (e) =>
                e.protocol === rule.protocol &&
                e.fromPort <= rule.fromPort &&
                e.toPort >= rule.toPort &&
                contains(cidr(e.cidrBlock), source),
            );
            expect({ rule, covered }).toEqual({ rule, covered: true });
          }
          expect(inbound.every((e) => e.protocol === 'icmp' || e.toPort <= EPHEMERAL.toPort)).toBe(true);
        }
      }),
      RUNS,
    );
  });
});
