/**
 * The pure parts of real organisations' networks: plans over secondary CIDRs and IPv6 blocks, the
 * checks on resolved sides, the NACL record past one tag value, role session names and which role
 * reaches a ref's account.
 */
import fc from 'fast-check';
import { accessForRef, roleSessionName, sideAccess } from '../../src/domain/aws/access';
import { isIpv6Cidr, overlaps6, parseIpv6Cidr } from '../../src/domain/net/cidr6';
import {
  naclRecordTags,
  readNaclRecordTags,
  TAG_VALUE_MAX,
  type NaclRecord,
} from '../../src/domain/peering/nacl-record';
import { naclPlan, securityGroupPlan } from '../../src/domain/peering/rules-plan';
import type { AllowRule, PeeringRequest } from '../../src/domain/peering/types';
import { validatePeeringRequest } from '../../src/domain/peering/validate';
import { IPV6_NOT_YET_PROVIDED, resolvedSide, validateResolvedCidrs } from '../../src/domain/peering/validate-resolved';

const ABC: AllowRule[] = [
  { protocol: 'tcp', fromPort: 5432, toPort: 5432 },
  { protocol: 'tcp', fromPort: 443, toPort: 443 },
];
const DR_V6 = '2600:1f18:4a2b:ce00::/56';
const PRIMARY_V6 = '2600:1f14:9c0:1200::/56';
const line = (e: { egress: boolean; ruleNumber: number; fromPort: number; toPort: number; cidrBlock: string }) =>
  `${e.egress ? 'out' : 'in'} ${e.ruleNumber} ${e.fromPort}-${e.toPort} ${e.cidrBlock}`;

describe('GIVEN a peer VPC with a secondary CIDR (10.1.0.0/16 and 10.2.0.0/16)', () => {
  const peer = ['10.1.0.0/16', '10.2.0.0/16'];

  test('WHEN the group is planned THEN it admits from and reaches both CIDRs', () => {
    const plan = securityGroupPlan('10.0.0.0/16', peer, ABC);
    expect(plan.ingress.map((p) => `${p.fromPort} ${p.cidrBlock}`)).toEqual([
      '5432 10.1.0.0/16',
      '5432 10.2.0.0/16',
      '443 10.1.0.0/16',
      '443 10.2.0.0/16',
    ]);
    expect(plan.egress).toHaveLength(4);
  });

  test('WHEN the NACL is planned THEN each CIDR gets its entries, the primary first, so its numbers stay those of a one-CIDR plan', () => {
    const two = naclPlan('10.0.0.0/16', peer, ABC, 900);
    expect(two.filter((e) => !e.egress).map(line)).toEqual([
      'in 900 443-443 10.1.0.0/16',
      'in 901 1024-65535 10.1.0.0/16',
      'in 902 443-443 10.2.0.0/16',
      'in 903 1024-65535 10.2.0.0/16',
    ]);
    const one = naclPlan('10.0.0.0/16', '10.1.0.0/16', ABC, 900);
    expect(two.slice(0, 2).map(line)).toEqual(one.filter((e) => !e.egress).map(line));
  });

  test('WHEN an existing VPC is checked THEN an overlap with its secondary CIDR is bad input naming it', () => {
    const req: PeeringRequest = {
      requester: { region: 'us-east-1', cidrBlock: '10.2.0.0/20' },
      accepter: { region: 'eu-west-1', vpcId: 'vpc-0123456789abcdef0' },
      allow: ABC,
    };
    const error = validateResolvedCidrs(
      resolvedSide(req, 'requester', undefined),
      resolvedSide(req, 'accepter', { cidrBlock: '10.1.0.0/16', cidrBlocks: peer }),
      ABC,
    );
    expect(error).toEqual({
      field: 'accepter.vpcId',
      reason: 'secondary CIDR 10.2.0.0/16 overlaps requester 10.2.0.0/20; AWS cannot peer overlapping CIDRs',
    });
  });
});

describe('GIVEN an IPv6 setup (both VPCs with an IPv6 block)', () => {
  const own = ['10.0.0.0/16', PRIMARY_V6];
  const peer = ['10.1.0.0/16', DR_V6];
  const withIcmp: AllowRule[] = [...ABC, { protocol: 'icmp', fromPort: 8, toPort: -1 }];

  test('WHEN planned THEN the group admits the peer IPv6 block, ICMP stays IPv4 (ICMPv6 has other types), and nothing is open to ::/0', () => {
    const plan = securityGroupPlan(own, peer, withIcmp);
    expect(plan.ingress.filter((p) => isIpv6Cidr(p.cidrBlock)).map((p) => `${p.protocol} ${p.fromPort}`)).toEqual([
      'tcp 5432',
      'tcp 443',
    ]);
    expect(plan.egress.filter((p) => p.cidrBlock === DR_V6)).toHaveLength(2);
    const all = [...plan.ingress, ...plan.egress, ...naclPlan(own, peer, withIcmp, 900)];
    expect(all.filter((p) => p.cidrBlock === '::/0' || p.cidrBlock === '0.0.0.0/0')).toEqual([]);
  });

  test('WHEN the NACL is planned THEN the IPv6 entries come after every IPv4 one, so adding IPv6 later moves nothing', () => {
    const v6 = naclPlan(own, peer, ABC, 900).filter((e) => !e.egress);
    const v4 = naclPlan('10.0.0.0/16', '10.1.0.0/16', ABC, 900).filter((e) => !e.egress);
    expect(v6.slice(0, v4.length)).toEqual(v4);
    expect(v6.slice(v4.length).map(line)).toEqual([`in 902 443-443 ${DR_V6}`, `in 903 1024-65535 ${DR_V6}`]);
  });

  test('WHEN the quotas are checked THEN IPv6 rules and entries are counted apart from the IPv4 ones', () => {
    // 19 NACL entries per direction for IPv4, and 19 more for IPv6: within AWS's 20 each with the deny.
    const ports = Array.from({ length: 18 }, (_, i) => ({
      protocol: 'tcp' as const,
      fromPort: 100 + i,
      toPort: 100 + i,
    }));
    const req: PeeringRequest = {
      requester: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' },
      accepter: { region: 'eu-west-1', cidrBlock: '10.1.0.0/16' },
      allow: ports,
      ipv6: true,
    };
    expect(validatePeeringRequest(req)).toEqual({ ok: true, value: req });
    const plan = naclPlan(own, peer, ports, 900).filter((e) => !e.egress);
    expect(plan).toHaveLength(38);
    const tooMany = { ...req, allow: [...ports, { protocol: 'tcp' as const, fromPort: 99, toPort: 99 }] };
    expect(validatePeeringRequest(tooMany)).toMatchObject({ ok: false, error: { field: 'allow' } });
  });

  test('WHEN a VPC to create is checked THEN its Amazon-provided block counts on the quotas and overlaps nothing', () => {
    const req: PeeringRequest = {
      requester: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' },
      accepter: { region: 'eu-west-1', vpcId: 'vpc-0123456789abcdef0' },
      allow: ABC,
      ipv6: true,
    };
    expect(resolvedSide(req, 'requester', undefined).ipv6).toEqual([IPV6_NOT_YET_PROVIDED]);
    const side = resolvedSide(req, 'accepter', { cidrBlock: '10.1.0.0/16', ipv6CidrBlocks: [DR_V6] });
    expect(validateResolvedCidrs(resolvedSide(req, 'requester', undefined), side, ABC)).toBeUndefined();
  });

  test('WHEN two IPv6 blocks overlap THEN the check says so', () => {
    const [a, b] = [parseIpv6Cidr('2600:1f18:4a2b:ce00::/56'), parseIpv6Cidr('2600:1f18:4a2b:ce80::/57')];
    expect(typeof a !== 'string' && typeof b !== 'string' && overlaps6(a, b)).toBe(true);
    expect(parseIpv6Cidr('2600:1f18:4a2b:ce01::/56')).toMatch(/host bits/);
  });
});

describe('GIVEN a NACL record of an IPv6 setup (up to the IPv4 and the IPv6 quota in one direction)', () => {
  const record: fc.Arbitrary<NaclRecord> = fc
    .uniqueArray(fc.integer({ min: 1, max: 32766 }), { minLength: 1, maxLength: 38 })
    .chain((numbers) =>
      fc
        .array(fc.stringMatching(/^[0-9a-f]{4}$/), { minLength: numbers.length, maxLength: numbers.length })
        .map((prints) => new Map(numbers.map((n, i) => [n, prints[i]!]))),
    );

  test('WHEN written as tags and read back THEN it is the same, each tag value within 256 characters', () => {
    fc.assert(
      fc.property(record, (r) => {
        const tags = naclRecordTags('pcx-0123456789abcdef0', false, r);
        for (const t of tags) expect(t.Value.length).toBeLessThanOrEqual(TAG_VALUE_MAX);
        expect(tags[0]!.Key).toBe('vpc-peering:nacl-ingress:pcx-0123456789abcdef0');
        expect(readNaclRecordTags(tags, 'pcx-0123456789abcdef0', false)).toEqual(r);
        expect(readNaclRecordTags(tags, 'pcx-0123456789abcdef0', true).size).toBe(0);
      }),
    );
  });
});

describe('GIVEN sides reached through roles', () => {
  test("WHEN a setup id is turned into a session name THEN it names the setup within AWS's 64 characters and allowed set", () => {
    expect(roleSessionName('abc-corp-peering')).toBe('vpc-peering-abc-corp-peering');
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (a, b) => {
        const [x, y] = [roleSessionName(a), roleSessionName(b)];
        expect(x).toMatch(/^[\w+=,.@-]{2,64}$/);
        if (a !== b && (a.length > 52 || b.length > 52)) expect(x).not.toBe(y);
      }),
    );
  });

  test('WHEN a ref is removed THEN it goes through the role of its account, or the worker for its own account', () => {
    const partner = sideAccess(
      { roleArn: 'arn:aws:iam::222222222222:role/vpc-peering-accepter', externalId: 'x1' },
      's',
    );
    const sides = [
      { region: 'us-east-1', access: {} },
      { region: 'us-east-1', access: partner },
    ];
    expect(accessForRef({ region: 'us-east-1', accountId: '222222222222' }, sides)).toBe(partner);
    expect(accessForRef({ region: 'us-east-1', accountId: '123456789012' }, sides)).toEqual({});
    // Refs recorded before accounts were: as then, the region's later side.
    expect(accessForRef({ region: 'us-east-1' }, sides)).toBe(partner);
  });
});
