import { contains, parseCidr, type Cidr } from './cidr';
import type { AllowRule } from './types';

/** One security-group permission, in the form both the plan and a drift check compare. */
export interface SgPermission {
  protocol: AllowRule['protocol'];
  fromPort: number;
  toPort: number;
  cidrBlock: string;
  description?: string;
}

export interface SgPlan {
  ingress: SgPermission[];
  egress: SgPermission[];
}

export interface NaclEntrySpec {
  ruleNumber: number;
  egress: boolean;
  protocol: AllowRule['protocol'];
  cidrBlock: string;
  fromPort: number;
  toPort: number;
}

export const EPHEMERAL = { fromPort: 1024, toPort: 65535 };

/** What a rule or entry lets through, whatever its description or rule number: equal keys, equal effect. */
export const effectKey = (r: { protocol: string; fromPort: number; toPort: number; cidrBlock: string }): string =>
  `${r.protocol}|${r.fromPort}|${r.toPort}|${r.cidrBlock}`;

/** Keeps the first of each group of items with the same effect. */
function uniqueByEffect<T extends { protocol: string; fromPort: number; toPort: number; cidrBlock: string }>(
  items: T[],
): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = effectKey(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The rules a side admits: those whose source lies in the peer's CIDR. A rule without its own
 * `cidrBlock` admits the whole peer CIDR.
 */
export function rulesForSide(peerCidr: string, allow: AllowRule[]): Array<AllowRule & { cidrBlock: string }> {
  const peer = parseCidr(peerCidr) as Cidr;
  return allow
    .map((r) => ({ ...r, cidrBlock: r.cidrBlock ?? peerCidr }))
    .filter((r) => contains(peer, parseCidr(r.cidrBlock) as Cidr));
}

/**
 * A side's security group admits the allowed traffic from the peer, and lets the side reach the
 * peer's allowed ports; nothing else, so attaching it never widens an instance's exposure. Two
 * rules narrowed to different parts of this side's CIDR reach the same peer ports: the egress
 * plan holds that permission once, since AWS refuses a batch that repeats one.
 */
export function securityGroupPlan(ownCidr: string, peerCidr: string, allow: AllowRule[]): SgPlan {
  const perm = (r: AllowRule, cidrBlock: string): SgPermission => ({
    protocol: r.protocol,
    fromPort: r.fromPort,
    toPort: r.toPort,
    cidrBlock,
    ...(r.description ? { description: r.description } : {}),
  });
  return {
    ingress: uniqueByEffect(rulesForSide(peerCidr, allow).map((r) => perm(r, r.cidrBlock))),
    egress: uniqueByEffect(rulesForSide(ownCidr, allow).map((r) => perm(r, peerCidr))),
  };
}

/**
 * NACLs are stateless, so each direction needs the allowed ports plus the ephemeral return range.
 * An allowed range already inside the return range (PostgreSQL's 5432) needs no entry of its own:
 * the return entry admits it from the same peer CIDR. Ingress and egress number their rules
 * independently, upward from `base`, with no gaps, and no two entries of a direction are alike.
 */
export function naclPlan(ownCidr: string, peerCidr: string, allow: AllowRule[], base: number): NaclEntrySpec[] {
  const returnProtocols = [...new Set(allow.map((r) => r.protocol).filter((p) => p !== 'icmp'))];
  const coveredByReturn = (r: AllowRule) =>
    r.protocol !== 'icmp' && r.fromPort >= EPHEMERAL.fromPort && r.toPort <= EPHEMERAL.toPort;
  const direction = (egress: boolean, all: Array<AllowRule & { cidrBlock: string }>): NaclEntrySpec[] => {
    const traffic = all
      .filter((r) => !coveredByReturn(r))
      .map((r) => ({
        protocol: r.protocol,
        cidrBlock: egress ? peerCidr : r.cidrBlock,
        fromPort: r.fromPort,
        toPort: r.toPort,
      }));
    const returns = returnProtocols.map((protocol) => ({ protocol, cidrBlock: peerCidr, ...EPHEMERAL }));
    return uniqueByEffect([...traffic, ...returns]).map((e, i) => ({ ruleNumber: base + i, egress, ...e }));
  };
  return [...direction(false, rulesForSide(peerCidr, allow)), ...direction(true, rulesForSide(ownCidr, allow))];
}

/**
 * The rule numbers a setup's NACL entries use on both sides, `first-last` as recorded on the
 * peering: exactly the span of the two plans, no wider.
 */
export function naclRuleSpan(plans: NaclEntrySpec[][], base: number): { first: number; last: number } {
  const numbers = plans.flat().map((e) => e.ruleNumber);
  return { first: base, last: numbers.length ? Math.max(...numbers) : base };
}
