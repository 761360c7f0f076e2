import type { AllowRule } from './types';
import { rulesForSide } from './validate-peering';

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

const EPHEMERAL = { fromPort: 1024, toPort: 65535 };

/**
 * A side's security group admits the allowed traffic from the peer, and lets the side reach the
 * peer's allowed ports; nothing else, so attaching it never widens an instance's exposure.
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
    ingress: rulesForSide(peerCidr, allow).map((r) => perm(r, r.cidrBlock)),
    egress: rulesForSide(ownCidr, allow).map((r) => perm(r, peerCidr)),
  };
}

/**
 * NACLs are stateless, so each direction needs the allowed ports plus the ephemeral return range.
 * An allowed range already inside the return range (PostgreSQL's 5432) needs no entry of its own:
 * the return entry admits it from the same peer CIDR. Ingress and egress number their rules
 * independently, upward from `base`.
 */
export function naclPlan(ownCidr: string, peerCidr: string, allow: AllowRule[], base: number): NaclEntrySpec[] {
  const returnProtocols = [...new Set(allow.map((r) => r.protocol).filter((p) => p !== 'icmp'))];
  const coveredByReturn = (r: AllowRule) =>
    r.protocol !== 'icmp' && r.fromPort >= EPHEMERAL.fromPort && r.toPort <= EPHEMERAL.toPort;
  const direction = (egress: boolean, all: Array<AllowRule & { cidrBlock: string }>): NaclEntrySpec[] => {
    const rules = all.filter((r) => !coveredByReturn(r));
    const entries = rules.map((r, i) => ({
      ruleNumber: base + i,
      egress,
      protocol: r.protocol,
      cidrBlock: egress ? peerCidr : r.cidrBlock,
      fromPort: r.fromPort,
      toPort: r.toPort,
    }));
    const returns = returnProtocols.map((protocol, j) => ({
      ruleNumber: base + rules.length + j,
      egress,
      protocol,
      cidrBlock: peerCidr,
      ...EPHEMERAL,
    }));
    return [...entries, ...returns];
  };
  return [...direction(false, rulesForSide(peerCidr, allow)), ...direction(true, rulesForSide(ownCidr, allow))];
}
