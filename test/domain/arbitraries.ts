/** fast-check arbitraries for the domain's property tests: CIDRs, allow rules and whole requests. */
import fc from 'fast-check';
import { formatCidr, type Cidr } from '../../src/domain/net/cidr';
import type { AllowRule, PeeringRequest } from '../../src/domain/peering/types';

/** An aligned block of `prefix` inside `outer`. */
export function cidrInside(outer: Cidr, minPrefix: number, maxPrefix = 32): fc.Arbitrary<Cidr> {
  return fc.integer({ min: Math.max(outer.prefix, minPrefix), max: maxPrefix }).chain((prefix) => {
    const blocks = 2 ** (prefix - outer.prefix);
    return fc.integer({ min: 0, max: blocks - 1 }).map((i) => ({ base: outer.base + i * 2 ** (32 - prefix), prefix }));
  });
}

const TEN = { base: 10 * 2 ** 24, prefix: 8 };
const ONE_SEVENTY_TWO = { base: (172 * 256 + 16) * 2 ** 16, prefix: 12 };

/** Two VPC CIDRs (/16 to /28) that never overlap: one in 10/8, the other in 172.16/12, in either order. */
export const vpcPair = fc
  .tuple(cidrInside(TEN, 16, 28), cidrInside(ONE_SEVENTY_TWO, 16, 28), fc.boolean())
  .map(([a, b, swap]): [Cidr, Cidr] => (swap ? [b, a] : [a, b]));

const portRange = fc
  .tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }))
  .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const)
  .filter(([from, to]) => !(from <= 1 && to === 65535));

const icmp = fc.oneof(
  fc.constant([-1, -1] as const),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: -1, max: 255 })),
);

/** One allow rule, its source optionally narrowed to part of one of the two CIDRs. */
export function allowRule([a, b]: [Cidr, Cidr]): fc.Arbitrary<AllowRule> {
  const narrowed = fc.option(fc.oneof(cidrInside(a, 0), cidrInside(b, 0)).map(formatCidr), { nil: undefined, freq: 3 });
  const traffic = fc.oneof(
    fc.tuple(fc.constantFrom('tcp' as const, 'udp' as const), portRange),
    fc.tuple(fc.constant('icmp' as const), icmp),
  );
  return fc.tuple(traffic, narrowed).map(([[protocol, [fromPort, toPort]], cidrBlock]) => ({
    protocol,
    fromPort,
    toPort,
    ...(cidrBlock === undefined ? {} : { cidrBlock }),
  }));
}

/** A request with both VPCs to be created; not every one is valid (duplicates, quotas). */
export const request: fc.Arbitrary<PeeringRequest> = vpcPair.chain((pair) =>
  fc
    .record({
      rules: fc.array(allowRule(pair), { minLength: 1, maxLength: 8 }),
      base: fc.option(fc.integer({ min: 1, max: 32700 }), { nil: undefined }),
    })
    .map(({ rules, base }) => ({
      requester: { region: 'us-east-1', cidrBlock: formatCidr(pair[0]) },
      accepter: { region: 'eu-west-1', cidrBlock: formatCidr(pair[1]) },
      allow: rules,
      ...(base === undefined ? {} : { naclRuleBase: base }),
    })),
);
