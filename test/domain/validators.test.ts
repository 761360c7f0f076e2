/** The request validators, case by case (each hole this release closed) and as properties. */
import fc from 'fast-check';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { validateDrillRequest } from '../../src/domain/drill/validate';
import { validateFailoverRequest } from '../../src/domain/failover/validate';
import { isZoneOfRegion, validatePeeringRequest } from '../../src/domain/peering/validate';
import { request } from './arbitraries';

const BASE: PeeringRequest = {
  requester: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' },
  accepter: { region: 'eu-west-1', cidrBlock: '10.1.0.0/16' },
  allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
};
const refusal = (input: unknown) => {
  const checked = validatePeeringRequest(input);
  return checked.ok ? undefined : checked.error;
};
const ports = (n: number, from: number) =>
  Array.from({ length: n }, (_, i) => ({ protocol: 'tcp' as const, fromPort: from + i, toPort: from + i }));

test('GIVEN the base request THEN it is valid', () => expect(refusal(BASE)).toBeUndefined());

test.each<[string, unknown, string, string]>([
  [
    'ICMP type 300',
    { ...BASE, allow: [{ protocol: 'icmp', fromPort: 300, toPort: 0 }] },
    'allow[0].fromPort',
    'ICMP type 300 is above 255',
  ],
  [
    'ICMP code 999',
    { ...BASE, allow: [{ protocol: 'icmp', fromPort: 8, toPort: 999 }] },
    'allow[0].toPort',
    'ICMP code 999 is above 255',
  ],
  [
    'every ICMP type with one code',
    { ...BASE, allow: [{ protocol: 'icmp', fromPort: -1, toPort: 3 }] },
    'allow[0].toPort',
    'must be -1',
  ],
  [
    'tcp 0-65535',
    { ...BASE, allow: [{ protocol: 'tcp', fromPort: 0, toPort: 65535 }] },
    'allow[0].fromPort',
    'every tcp port',
  ],
  [
    'udp 1-65535',
    { ...BASE, allow: [{ protocol: 'udp', fromPort: 1, toPort: 65535 }] },
    'allow[0].fromPort',
    'every udp port',
  ],
  ['100 allow rules', { ...BASE, allow: ports(100, 100) }, 'allow', 'needs 100 security-group rules per direction'],
  ['61 rules on high ports', { ...BASE, allow: ports(61, 2000) }, 'allow', 'AWS allows 60 per group and direction'],
  ['25 rules on low ports', { ...BASE, allow: ports(25, 100) }, 'allow', 'needs 26 NACL entries per direction'],
  [
    'routeTableIds with cidrBlock',
    { ...BASE, requester: { ...BASE.requester, routeTableIds: ['rtb-0123456789abcdef0'] } },
    'requester.routeTableIds',
    'existing VPC (vpcId)',
  ],
  [
    'a VPC CIDR with leading zeros',
    { ...BASE, requester: { ...BASE.requester, cidrBlock: '010.000.0.0/16' } },
    'requester.cidrBlock',
    'write it as 10.0.0.0/16',
  ],
  [
    'an allow CIDR with leading zeros',
    { ...BASE, allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlock: '10.01.0.0/16' }] },
    'allow[0].cidrBlock',
    'leading zeros',
  ],
  [
    'a /30 subnet',
    {
      ...BASE,
      requester: { ...BASE.requester, subnets: [{ cidrBlock: '10.0.1.0/30', availabilityZone: 'us-east-1a' }] },
    },
    'requester.subnets[0].cidrBlock',
    'prefix /30 is outside the /16 to /28 that a subnet allows',
  ],
  [
    'the same subnet twice',
    {
      ...BASE,
      requester: {
        ...BASE.requester,
        subnets: [
          { cidrBlock: '10.0.1.0/24', availabilityZone: 'us-east-1a' },
          { cidrBlock: '10.0.1.0/24', availabilityZone: 'us-east-1b' },
        ],
      },
    },
    'requester.subnets[1].cidrBlock',
    'overlaps subnets[0]',
  ],
  [
    'AZ us-east-1-fake',
    {
      ...BASE,
      requester: { ...BASE.requester, subnets: [{ cidrBlock: '10.0.1.0/24', availabilityZone: 'us-east-1-fake' }] },
    },
    'requester.subnets[0].availabilityZone',
    'not an availability zone of us-east-1',
  ],
  [
    'tcp 443, then tcp 443 from the requester CIDR, then 5432',
    {
      ...BASE,
      allow: [
        { protocol: 'tcp', fromPort: 443, toPort: 443 },
        { protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlock: '10.0.0.0/16' },
        { protocol: 'tcp', fromPort: 5432, toPort: 5432 },
      ],
    },
    'allow[1]',
    'same effect as allow[0] on the accepter side',
  ],
])('GIVEN %s WHEN validated THEN it is refused, naming the field', (_what, input, field, reason) => {
  const error = refusal(input);
  expect(error?.field).toBe(field);
  expect(error?.reason).toContain(reason);
});

test.each(['us-east-1a', 'us-west-2-lax-1a', 'us-east-1-wl1-bos-wlz-1'])(
  'GIVEN zone %s THEN it is a zone of its region',
  (z) => expect(isZoneOfRegion(z, z.startsWith('us-west-2') ? 'us-west-2' : 'us-east-1')).toBe(true),
);
test.each([
  ['us-east-1-fake', 'us-east-1'],
  ['us-east-1', 'us-east-1'],
  ['us-east-2a', 'us-east-1'],
  ['eu-west-1a', 'us-east-1'],
])('GIVEN zone %s THEN it is not a zone of %s', (z, region) => expect(isZoneOfRegion(z, region)).toBe(false));

test('GIVEN any valid request WHEN one of its rules is repeated with its source spelled out THEN it is refused at that rule', () => {
  fc.assert(
    fc.property(
      request.filter((r) => validatePeeringRequest(r).ok && r.allow.some((a) => a.cidrBlock === undefined)),
      fc.boolean(),
      (r, onRequester) => {
        const rule = r.allow.find((a) => a.cidrBlock === undefined)!;
        const source = onRequester ? r.requester.cidrBlock! : r.accepter.cidrBlock!;
        const error = refusal({ ...r, allow: [...r.allow, { ...rule, cidrBlock: source }] });
        expect(error?.field).toBe(`allow[${r.allow.length}]`);
        expect(error?.reason).toContain('same effect');
      },
    ),
    { numRuns: 200 },
  );
});

test('GIVEN any generated request THEN validation either accepts it or names a field and a reason, never throws', () => {
  fc.assert(
    fc.property(request, (r) => {
      const checked = validatePeeringRequest(r);
      if (!checked.ok) {
        expect(checked.error.field).toMatch(/^(allow|naclRuleBase|requester|accepter)/);
        expect(checked.error.reason.length).toBeGreaterThan(0);
      }
    }),
    { numRuns: 300 },
  );
});

describe('drill expectations and failover values', () => {
  const FAILOVER = {
    hostedZoneId: 'Z0123456789ABC',
    recordName: 'app.abc.example.',
    recordType: 'CNAME',
    from: { region: 'us-east-1', value: 'primary.abc.example' },
    to: { region: 'eu-west-1', value: 'dr.abc.example' },
  };
  const drill = (allow: unknown[]) => ({
    name: 'abc',
    peering: { setupWorkflowId: 'abc-corp-peering' },
    failover: FAILOVER,
    rtoTargetSeconds: 300,
    expect: { allow },
  });
  const drillError = (input: unknown) => {
    const checked = validateDrillRequest(input);
    return checked.ok ? undefined : checked.error;
  };
  const failoverError = (input: unknown) => {
    const checked = validateFailoverRequest(input);
    return checked.ok ? undefined : checked.error;
  };

  test('GIVEN a drill expecting reversed ports or 0.0.0.0/0 THEN it is refused at that rule', () => {
    expect(drillError(drill([{ protocol: 'tcp', fromPort: 443, toPort: 443 }]))).toBeUndefined();
    expect(drillError(drill([{ protocol: 'tcp', fromPort: 5432, toPort: 443 }]))?.field).toBe(
      'expect.allow[0].fromPort',
    );
    expect(drillError(drill([{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlock: '0.0.0.0/0' }]))?.field).toBe(
      'expect.allow[0].cidrBlock',
    );
  });

  test('GIVEN failover values a.example and a.example. THEN they are one value, and there is nothing to switch', () => {
    const request = {
      ...FAILOVER,
      peeringConnectionId: 'pcx-0123456789abcdef0',
      from: { region: 'us-east-1', value: 'a.example' },
      to: { region: 'eu-west-1', value: 'A.example.' },
    };
    expect(failoverError(request)).toEqual({ field: 'to.value', reason: expect.stringContaining('nothing to switch') });
  });

  test('GIVEN an AAAA value ":::::" THEN it is refused; a real IPv6 address is not', () => {
    const aaaa = (value: string) => ({
      ...FAILOVER,
      recordType: 'AAAA',
      peeringConnectionId: 'pcx-0123456789abcdef0',
      from: { region: 'us-east-1', value: '2001:db8::1' },
      to: { region: 'eu-west-1', value },
    });
    expect(failoverError(aaaa(':::::'))?.field).toBe('to.value');
    expect(failoverError(aaaa('2001:db8::2'))).toBeUndefined();
  });
});
