/** CIDR maths: parsing in AWS's canonical form, formatting, overlap and containment. */
import fc from 'fast-check';
import { contains, formatCidr, overlaps, parseCidr, type Cidr } from '../../src/domain/net/cidr';
import { cidrInside } from './arbitraries';

const anyCidr: fc.Arbitrary<Cidr> = cidrInside({ base: 0, prefix: 0 }, 0, 32);

describe('parseCidr', () => {
  test.each([
    ['10.0.0.0/16', { base: 10 * 2 ** 24, prefix: 16 }],
    ['0.0.0.0/0', { base: 0, prefix: 0 }],
    ['255.255.255.255/32', { base: 2 ** 32 - 1, prefix: 32 }],
  ])('GIVEN %s WHEN parsed THEN it is %o', (text, cidr) => {
    expect(parseCidr(text)).toEqual(cidr);
  });

  test.each([
    ['010.000.0.0/16', 'leading zeros; write it as 10.0.0.0/16'],
    ['10.0.0.0/08', 'leading zeros'],
    ['10.1.0.0/8', 'host bits set; the network address is 10.0.0.0/8'],
    ['10.256.0.0/16', 'octet above 255'],
    ['10.0.0.0/33', 'prefix above /32'],
    ['10.0.0/16', 'not an IPv4 CIDR block'],
    [' 10.0.0.0/16', 'not an IPv4 CIDR block'],
  ])('GIVEN %s WHEN parsed THEN it is refused: %s', (text, reason) => {
    const parsed = parseCidr(text);
    expect(typeof parsed).toBe('string');
    expect(parsed).toContain(reason);
  });

  test('GIVEN any aligned block WHEN formatted and parsed again THEN it is the same block', () => {
    fc.assert(fc.property(anyCidr, (c) => expect(parseCidr(formatCidr(c))).toEqual(c)));
  });

  test('GIVEN an octet written with a leading zero WHEN parsed THEN it is refused, never read as another address', () => {
    fc.assert(
      fc.property(anyCidr, fc.integer({ min: 0, max: 3 }), (c, i) => {
        const [addr, prefix] = formatCidr(c).split('/');
        const octets = addr!.split('.');
        octets[i] = `0${octets[i]}`;
        expect(typeof parseCidr(`${octets.join('.')}/${prefix}`)).toBe('string');
      }),
    );
  });
});

describe('overlaps and contains', () => {
  test('GIVEN any two blocks THEN overlap is symmetric, and containment implies overlap', () => {
    fc.assert(
      fc.property(anyCidr, anyCidr, (a, b) => {
        expect(overlaps(a, b)).toBe(overlaps(b, a));
        if (contains(a, b)) expect(overlaps(a, b)).toBe(true);
      }),
    );
  });

  test('GIVEN two aligned blocks THEN they overlap exactly when one contains the other', () => {
    fc.assert(fc.property(anyCidr, anyCidr, (a, b) => expect(overlaps(a, b)).toBe(contains(a, b) || contains(b, a))));
  });

  test('GIVEN a block inside another THEN the outer contains it and it contains itself', () => {
    fc.assert(
      fc.property(
        anyCidr.chain((outer) => cidrInside(outer, 0).map((inner) => [outer, inner] as const)),
        ([outer, inner]) => {
          expect(contains(outer, inner)).toBe(true);
          expect(contains(inner, inner)).toBe(true);
          if (inner.prefix > outer.prefix) expect(contains(inner, outer)).toBe(false);
        },
      ),
    );
  });
});
