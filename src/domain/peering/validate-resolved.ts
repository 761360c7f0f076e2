/**
 * The request checks that need both sides' CIDRs: run by the client and the workflow's validation
 * for two VPCs to create, and again by the setup once it has read the existing VPCs (their
 * secondary CIDRs and IPv6 blocks included). Pure, so the workflow may call it.
 */
import { contains, overlaps, parseCidr, type Cidr } from '../net/cidr';
import { isIpv6Cidr, overlaps6, parseIpv6Cidr } from '../net/cidr6';
import { VPC_QUOTAS } from '../aws/quotas';
import { effectKey, naclPlan, rulesForSide, securityGroupPlan } from './rules-plan';
import type { AllowRule, PeeringRequest } from './types';
import type { InvalidField } from '../validation';

export const NACL_RULE_MAX = 32766;

/** One side as the checks see it, once known. */
export interface ResolvedSide {
  /** The request field that a problem with this side's CIDRs is reported under. */
  field: string;
  /** Every IPv4 CIDR, the primary first. */
  ipv4: string[];
  /** The IPv6 blocks an IPv6 setup routes; empty otherwise. */
  ipv6: string[];
}

/**
 * A VPC the setup is to create gets its Amazon-provided IPv6 block only once it exists. Until then
 * it counts as one /56 in the documentation prefix (RFC 3849), which AWS never gives out, so it
 * weighs on the quotas and overlaps nothing.
 */
export const IPV6_NOT_YET_PROVIDED = '2001:db8::/56';

/** A side of the request: the VPC it names, as read, or the one it is to create. */
export function resolvedSide(
  req: PeeringRequest,
  role: 'requester' | 'accepter',
  vpc: { cidrBlock: string; cidrBlocks?: string[]; ipv6CidrBlocks?: string[] } | undefined,
): ResolvedSide {
  if (vpc) {
    return {
      field: `${role}.vpcId`,
      ipv4: vpc.cidrBlocks ?? [vpc.cidrBlock],
      ipv6: req.ipv6 ? (vpc.ipv6CidrBlocks ?? []) : [],
    };
  }
  return { field: `${role}.cidrBlock`, ipv4: [req[role].cidrBlock!], ipv6: req.ipv6 ? [IPV6_NOT_YET_PROVIDED] : [] };
}

const all = (s: ResolvedSide) => [...s.ipv4, ...s.ipv6];
const which = (s: ResolvedSide, cidr: string) => (s.ipv4.indexOf(cidr) > 0 ? `secondary CIDR ${cidr}` : cidr);

function overlap(req: ResolvedSide, acc: ResolvedSide): InvalidField | undefined {
  for (const b of acc.ipv4) {
    for (const a of req.ipv4) {
      if (overlaps(parseCidr(a) as Cidr, parseCidr(b) as Cidr)) {
        return {
          field: acc.field,
          reason: `${which(acc, b)} overlaps requester ${which(req, a)}; AWS cannot peer overlapping CIDRs`,
        };
      }
    }
  }
  const real = (s: ResolvedSide) => s.ipv6.filter((c) => c !== IPV6_NOT_YET_PROVIDED);
  for (const b of real(acc)) {
    for (const a of real(req)) {
      const [x, y] = [parseIpv6Cidr(a), parseIpv6Cidr(b)];
      if (typeof x !== 'string' && typeof y !== 'string' && overlaps6(x, y)) {
        return {
          field: acc.field,
          reason: `IPv6 block ${b} overlaps requester ${a}; AWS cannot peer overlapping CIDRs`,
        };
      }
    }
  }
  return undefined;
}

const describeRule = (r: { protocol: string; fromPort: number; toPort: number }, cidr: string) =>
  `${r.protocol} ${r.fromPort}-${r.toPort} from ${cidr}`;

/** Two rules with the same effect on one side: AWS holds it once, so one of them would be lost. */
function sameEffect(role: string, peer: ResolvedSide, allow: AllowRule[]): InvalidField | undefined {
  const first = new Map<string, number>();
  for (const [i, r] of allow.entries()) {
    for (const rule of rulesForSide(all(peer), [r])) {
      const key = effectKey(rule);
      const earlier = first.get(key);
      if (earlier !== undefined) {
        return {
          field: `allow[${i}]`,
          reason: `has the same effect as allow[${earlier}] on the ${role} side (${describeRule(r, rule.cidrBlock)}); AWS holds a rule once, so one of the two would be lost`,
        };
      }
      first.set(key, i);
    }
  }
  return undefined;
}

/** AWS counts group rules and NACL entries per direction, and IPv4 and IPv6 apart. */
function quotas(role: string, own: ResolvedSide, peer: ResolvedSide, allow: AllowRule[], base: number) {
  const group = securityGroupPlan(all(own), all(peer), allow);
  const entries = naclPlan(all(own), all(peer), allow, base);
  for (const ipv6 of [false, true]) {
    // IPv4 says what it always said; IPv6 says that it is counted apart.
    const version = ipv6 ? ' IPv6' : '';
    const apart = ipv6 ? ' (IPv6 counted apart from IPv4)' : '';
    const mine = <T extends { cidrBlock: string }>(items: T[]) => items.filter((x) => isIpv6Cidr(x.cidrBlock) === ipv6);
    const groupRules = Math.max(mine(group.ingress).length, mine(group.egress).length);
    if (groupRules > VPC_QUOTAS.groupRules.default) {
      return {
        field: 'allow',
        reason: `needs ${groupRules}${version} security-group rules per direction in the ${role}'s group; AWS allows ${VPC_QUOTAS.groupRules.default} per group and direction${apart}`,
      };
    }
    const perDirection = Math.max(
      ...[false, true].map((egress) => mine(entries.filter((e) => e.egress === egress)).length),
    );
    if (perDirection && perDirection + 1 > VPC_QUOTAS.naclEntries.default) {
      return {
        field: 'allow',
        reason: `needs ${perDirection}${version} NACL entries per direction in the ${role}'s network ACLs, ${perDirection + 1} with the default deny rule; AWS allows ${VPC_QUOTAS.naclEntries.default} per direction${apart}`,
      };
    }
  }
  const last = Math.max(base, ...entries.map((e) => e.ruleNumber));
  if (last > NACL_RULE_MAX) {
    return {
      field: 'naclRuleBase',
      reason: `${base} leaves no room for the ${role}'s ${entries.length} entries below ${NACL_RULE_MAX} (they would reach ${last})`,
    };
  }
  return undefined;
}

/**
 * The checks that need both sides' CIDRs: overlap (of every IPv4 CIDR, and IPv6 block), each
 * narrowed source, rules with the same effect, and the group and NACL quotas.
 */
export function validateResolvedCidrs(
  requester: ResolvedSide,
  accepter: ResolvedSide,
  allow: AllowRule[],
  naclBase = 900,
): InvalidField | undefined {
  const clash = overlap(requester, accepter);
  if (clash) return clash;
  const v4 = [...requester.ipv4, ...accepter.ipv4].map((c) => parseCidr(c) as Cidr);
  for (const [i, r] of allow.entries()) {
    if (r.cidrBlock === undefined) continue;
    const c = parseCidr(r.cidrBlock) as Cidr;
    if (!v4.some((block) => contains(block, c))) {
      return {
        field: `allow[${i}].cidrBlock`,
        reason: `${r.cidrBlock} is wider than, or outside, both peer CIDRs (${[...requester.ipv4, ...accepter.ipv4].join(', ')})`,
      };
    }
  }
  const sides = [
    { role: 'requester', own: requester, peer: accepter },
    { role: 'accepter', own: accepter, peer: requester },
  ];
  for (const { role, peer } of sides) {
    const problem = sameEffect(role, peer, allow);
    if (problem) return problem;
  }
  for (const { role, own, peer } of sides) {
    const problem = quotas(role, own, peer, allow, naclBase);
    if (problem) return problem;
  }
  return undefined;
}
