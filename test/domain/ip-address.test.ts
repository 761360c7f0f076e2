/** IPv6 text forms for AAAA values: what is an address, and which forms are the same address. */
import fc from 'fast-check';
import { sameRecordValue } from '../../src/domain/failover/dns-names';
import { canonicalIpv6, isIpv6Address } from '../../src/domain/net/ip-address';

test.each(['2001:db8::1', '::1', '::', '2001:DB8:0:0:0:0:0:1', 'fe80::1:2:3:4', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8'])(
  'GIVEN %s THEN it is an IPv6 address',
  (text) => expect(isIpv6Address(text)).toBe(true),
);

test.each([
  ':::::',
  '1:2:3:4:5:6:7:8:9',
  '2001:db8::1::2',
  '12345::',
  'g::1',
  ':1:2:3:4:5:6:7',
  '1:2:3:4:5:6:7:8::',
  '',
])('GIVEN %p THEN it is not an IPv6 address', (text) => expect(isIpv6Address(text)).toBe(false));

test('GIVEN equal addresses written differently WHEN compared as AAAA values THEN they are the same value', () => {
  expect(canonicalIpv6('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
  expect(sameRecordValue('AAAA', '2001:db8::1', '2001:0DB8:0000::0001')).toBe(true);
  expect(sameRecordValue('AAAA', '2001:db8::1', '2001:db8::2')).toBe(false);
});

test('GIVEN any eight groups WHEN written in full and made canonical THEN the canonical form is an address of the same groups', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (groups) => {
      const full = groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
      const canonical = canonicalIpv6(full)!;
      expect(isIpv6Address(canonical)).toBe(true);
      expect(canonicalIpv6(canonical)).toBe(canonical);
      expect(canonical.split('::').length).toBeLessThanOrEqual(2);
      const expanded = canonical.includes('::')
        ? (() => {
            const [h, t] = canonical.split('::');
            const head = h ? h.split(':') : [];
            const tail = t ? t.split(':') : [];
            return [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
          })()
        : canonical.split(':');
      expect(expanded.map((g) => parseInt(g, 16))).toEqual(groups);
    }),
  );
});
