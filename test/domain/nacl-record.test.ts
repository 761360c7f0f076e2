/** The record of a setup's NACL entries on each network ACL: its tag keys, fingerprints and text form. */
import fc from 'fast-check';
import {
  contentOfSpec,
  formatNaclRecord,
  naclFingerprint,
  naclRecordKey,
  parseNaclRecord,
  parseNaclRecordKey,
  type NaclRecord,
} from '../../src/domain/peering/nacl-record';
import { VPC_QUOTAS } from '../../src/domain/aws/quotas';
import type { NaclEntrySpec } from '../../src/domain/peering/rules-plan';

const HTTPS: NaclEntrySpec = {
  ruleNumber: 900,
  egress: false,
  protocol: 'tcp',
  cidrBlock: '10.1.0.0/16',
  fromPort: 443,
  toPort: 443,
};

test('GIVEN a peering and a direction WHEN the record key is made and read back THEN both come back', () => {
  const key = naclRecordKey('pcx-0123456789abcdef0', true);
  expect(key).toBe('vpc-peering:nacl-egress:pcx-0123456789abcdef0');
  expect(key.length).toBeLessThanOrEqual(128);
  expect(parseNaclRecordKey(key)).toEqual({ peeringConnectionId: 'pcx-0123456789abcdef0', egress: true });
  expect(parseNaclRecordKey('vpc-peering:setup-id')).toBeUndefined();
});

test('GIVEN an entry WHEN its action, ports, CIDR or protocol differ THEN so does its fingerprint', () => {
  const ours = naclFingerprint(contentOfSpec(HTTPS));
  expect(ours).toMatch(/^[0-9a-f]{4}$/);
  expect(naclFingerprint({ ...contentOfSpec(HTTPS), ruleAction: 'deny' })).not.toBe(ours);
  expect(naclFingerprint(contentOfSpec({ ...HTTPS, toPort: 444 }))).not.toBe(ours);
  expect(naclFingerprint(contentOfSpec({ ...HTTPS, cidrBlock: '10.1.2.0/24' }))).not.toBe(ours);
  expect(naclFingerprint(contentOfSpec({ ...HTTPS, protocol: 'udp' }))).not.toBe(ours);
  // The rule number and direction are the record's key, not the content.
  expect(naclFingerprint(contentOfSpec({ ...HTTPS, ruleNumber: 901, egress: true }))).toBe(ours);
});

test('GIVEN the entry as DescribeNetworkAcls answers it (ICMP fields absent for tcp) THEN its fingerprint is the same', () => {
  expect(
    naclFingerprint({ protocol: '6', ruleAction: 'allow', cidrBlock: '10.1.0.0/16', fromPort: 443, toPort: 443 }),
  ).toBe(naclFingerprint(contentOfSpec(HTTPS)));
});

const record: fc.Arbitrary<NaclRecord> = fc
  .uniqueArray(fc.integer({ min: 1, max: 32766 }), { maxLength: VPC_QUOTAS.naclEntries.default - 1 })
  .chain((numbers) =>
    fc
      .array(fc.stringMatching(/^[0-9a-f]{4}$/), { minLength: numbers.length, maxLength: numbers.length })
      .map((prints) => new Map(numbers.map((n, i) => [n, prints[i]!]))),
  );

test('GIVEN any record a direction can hold WHEN written as a tag value and read back THEN it is the same, within 256 characters', () => {
  fc.assert(
    fc.property(record, (r) => {
      const text = formatNaclRecord(r);
      expect(text.length).toBeLessThanOrEqual(256);
      expect(parseNaclRecord(text)).toEqual(r);
    }),
  );
});

test('GIVEN a tag value that is not a record WHEN read THEN it holds nothing', () => {
  expect(parseNaclRecord(undefined).size).toBe(0);
  expect(parseNaclRecord('900-903').size).toBe(0);
  expect(parseNaclRecord('').size).toBe(0);
});
