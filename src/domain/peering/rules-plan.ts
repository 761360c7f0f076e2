import { contains, parseCidr, type Cidr } from '../net/cidr';
import { isIpv6Cidr } from '../net/cidr6';
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
 * A side's address space: its IPv4 CIDRs (the primary first, then any secondary ones) and, for an
 * IPv6 setup, its IPv6 blocks. One CIDR alone is the common case.
 */
export type SideCidrs = string | readonly string[];

export const cidrList = (c: SideCidrs): string[] => (typeof c === 'string' ? [c] : [...c]);

/** IPv4 blocks of a side; the narrowed sources of `allow` are IPv4 and lie in one of them. */
const ipv4Of = (c: SideCidrs) => cidrList(c).filter((x) => !isIpv6Cidr(x));

/** ICMP rules are IPv4's: ICMPv6 has types of its own, so they are never mirrored to IPv6. */
const reaches = (r: AllowRule, cidr: string) => !(r.protocol === 'icmp' && isIpv6Cidr(cidr));

const inside = (blocks: string[], cidr: string) =>
  blocks.some((b) => contains(parseCidr(b) as Cidr, parseCidr(cidr) as Cidr));

/**
 * The rules a side admits, one per source: a rule narrowed to a range inside one of the peer's
 * IPv4 CIDRs admits that range; any other rule admits each of the peer's CIDRs (IPv6 included).
 */
export function rulesForSide(peer: SideCidrs, allow: AllowRule[]): Array<AllowRule & { cidrBlock: string }> {
  const v4 = ipv4Of(peer);
  return allow.flatMap((r) => {
    if (r.cidrBlock !== undefined) return inside(v4, r.cidrBlock) ? [{ ...r, cidrBlock: r.cidrBlock }] : [];
    return cidrList(peer)
      .filter((c) => reaches(r, c))
      .map((cidrBlock) => ({ ...r, cidrBlock }));
  });
}

/** The rules whose traffic comes from this side: those not narrowed to the peer. */
function rulesFromSide(own: SideCidrs, allow: AllowRule[]): AllowRule[] {
  const v4 = ipv4Of(own);
  return allow.filter((r) => r.cidrBlock === undefined || inside(v4, r.cidrBlock));
}

/** Each rule's traffic to each of the peer's CIDRs that it reaches. */
const toEachPeerCidr = (rules: AllowRule[], peer: SideCidrs) =>
  rules.flatMap((r) =>
    cidrList(peer)
      .filter((c) => reaches(r, c))
      .map((cidrBlock) => ({ ...r, cidrBlock })),
  );

/**
 * A side's security group admits the allowed traffic from the peer, and lets the side reach the
 * peer's allowed ports; nothing else, so attaching it never widens an instance's exposure. Two
 * rules narrowed to different parts of this side's CIDR reach the same peer ports: the egress
 * plan holds that permission once, since AWS refuses a batch that repeats one.
 */
export function securityGroupPlan(own: SideCidrs, peer: SideCidrs, allow: AllowRule[]): SgPlan {
  const perm = (r: AllowRule & { cidrBlock: string }): SgPermission => ({
    protocol: r.protocol,
    fromPort: r.fromPort,
    toPort: r.toPort,
    cidrBlock: r.cidrBlock,
    ...(r.description ? { description: r.description } : {}),
  });
  return {
    ingress: uniqueByEffect(rulesForSide(peer, allow).map(perm)),
    egress: uniqueByEffect(toEachPeerCidr(rulesFromSide(own, allow), peer).map(perm)),
  };
}

/**
 * NACLs are stateless, so each direction needs the allowed ports plus the ephemeral return range,
 * for each of the peer's CIDRs. An allowed range already inside the return range (PostgreSQL's
 * 5432) needs no entry of its own: the return entry admits it from the same peer CIDR. Ingress and
 * egress number their rules independently, upward from `base`, with no gaps (IPv4 and IPv6 entries
 * share the numbers, as in AWS), and no two entries of a direction are alike. The entries go peer
 * CIDR by peer CIDR, the primary first and IPv6 last, so a CIDR added later takes new numbers and
 * never moves the entries already made.
 */
export function naclPlan(own: SideCidrs, peer: SideCidrs, allow: AllowRule[], base: number): NaclEntrySpec[] {
  const returnProtocols = [...new Set(allow.map((r) => r.protocol).filter((p) => p !== 'icmp'))];
  const coveredByReturn = (r: AllowRule) =>
    r.protocol !== 'icmp' && r.fromPort >= EPHEMERAL.fromPort && r.toPort <= EPHEMERAL.toPort;
  const entry = (r: { protocol: AllowRule['protocol']; fromPort: number; toPort: number }, cidrBlock: string) => ({
    protocol: r.protocol,
    cidrBlock,
    fromPort: r.fromPort,
    toPort: r.toPort,
  });
  const within = (source: string, peerCidr: string) =>
    source === peerCidr || (!isIpv6Cidr(source) && !isIpv6Cidr(peerCidr) && inside([peerCidr], source));
  const inbound = rulesForSide(peer, allow).filter((r) => !coveredByReturn(r));
  const outbound = toEachPeerCidr(rulesFromSide(own, allow), peer).filter((r) => !coveredByReturn(r));
  const direction = (egress: boolean): NaclEntrySpec[] => {
    const entries = cidrList(peer).flatMap((peerCidr) => [
      ...(egress
        ? outbound.filter((r) => r.cidrBlock === peerCidr).map((r) => entry(r, peerCidr))
        : inbound.filter((r) => within(r.cidrBlock, peerCidr)).map((r) => entry(r, r.cidrBlock))),
      ...returnProtocols.map((protocol) => entry({ protocol, ...EPHEMERAL }, peerCidr)),
    ]);
    return uniqueByEffect(entries).map((e, i) => ({ ruleNumber: base + i, egress, ...e }));
  };
  return [...direction(false), ...direction(true)];
}

/**
 * The rule numbers a setup's NACL entries use on both sides, `first-last` as recorded on the
 * peering: exactly the span of the two plans, no wider.
 */
export function naclRuleSpan(plans: NaclEntrySpec[][], base: number): { first: number; last: number } {
  const numbers = plans.flat().map((e) => e.ruleNumber);
  return { first: base, last: numbers.length ? Math.max(...numbers) : base };
}
