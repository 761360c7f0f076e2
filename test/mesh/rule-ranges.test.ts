/** The mesh's pairs and their NACL rule ranges, by property (fast-check). */
import fc from 'fast-check';
import { allocateRuleRanges, NACL_RULE_MAX } from '../../src/domain/mesh/rule-ranges';
import { meshPairs } from '../../src/domain/mesh/topology';

describe('pairs', () => {
  test('GIVEN n VPCs WHEN fully meshed THEN n(n-1)/2 pairs, each with a before b in the order of vpcs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), (n) => {
        const keys = Array.from({ length: n }, (_, i) => `k${n - i}`);
        const pairs = meshPairs(keys, 'full-mesh');
        expect(pairs).toHaveLength((n * (n - 1)) / 2);
        for (const [a, b] of pairs) expect(keys.indexOf(a)).toBeLessThan(keys.indexOf(b));
        expect(new Set(pairs.map((p) => p.join()))).toHaveProperty('size', pairs.length);
      }),
    );
  });

  test('GIVEN a hub WHEN planned THEN every other VPC pairs with the hub only', () => {
    const pairs = meshPairs(['a', 'hub', 'c', 'd'], { hub: 'hub' });
    expect(pairs).toEqual([
      ['a', 'hub'],
      ['hub', 'c'],
      ['hub', 'd'],
    ]);
  });
});

describe('NACL rule ranges', () => {
  const keysArb = fc.integer({ min: 2, max: 12 }).map((n) => Array.from({ length: n }, (_, i) => `v${i}`));
  const caseArb = keysArb.chain((keys) =>
    fc.record({
      keys: fc.constant(keys),
      hub: fc.option(fc.constantFrom(...keys), { nil: undefined }),
      width: fc.integer({ min: 1, max: 6 }),
      start: fc.integer({ min: 1, max: 2000 }),
      occupied: fc.dictionary(
        fc.constantFrom(...keys),
        fc.uniqueArray(fc.integer({ min: 1, max: 2100 }), { maxLength: 19 }),
      ),
    }),
  );

  test('GIVEN any mesh and any entries the VPCs already hold THEN no two pairs of a VPC share a number, and no pair takes an existing one', () => {
    fc.assert(
      fc.property(caseArb, ({ keys, hub, width, start, occupied }) => {
        const pairs = meshPairs(keys, hub ? { hub } : 'full-mesh');
        const out = allocateRuleRanges(
          pairs.map((between) => ({ between })),
          width,
          start,
          occupied,
        );
        if (!out.ok) throw new Error('no room');
        for (const key of keys) {
          const used = new Set(occupied[key] ?? []);
          pairs.forEach((p, i) => {
            if (!p.includes(key)) return;
            const base = out.bases[i]!;
            expect(base).toBeGreaterThanOrEqual(start);
            expect(base + width - 1).toBeLessThanOrEqual(NACL_RULE_MAX);
            for (let n = base; n < base + width; n++) {
              expect({ key, n, free: !used.has(n) }).toEqual({ key, n, free: true });
              used.add(n);
            }
          });
        }
      }),
    );
  });

  test('GIVEN ranges recorded by an earlier run WHEN planned again with more pairs THEN those stay and the new ones avoid them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 10 }), fc.integer({ min: 1, max: 5 }), (n, width) => {
        const keys = Array.from({ length: n }, (_, i) => `v${i}`);
        const first = meshPairs(keys.slice(0, -1), 'full-mesh');
        const before = allocateRuleRanges(
          first.map((between) => ({ between })),
          width,
          900,
          {},
        );
        if (!before.ok) throw new Error('no room');
        const all = meshPairs(keys, 'full-mesh');
        const pinned = new Map(first.map((p, i) => [p.join(), before.bases[i]!]));
        const after = allocateRuleRanges(
          all.map((between) => ({ between, pinned: pinned.get(between.join()) })),
          width,
          900,
          {},
        );
        if (!after.ok) throw new Error('no room');
        all.forEach((p, i) => {
          if (pinned.has(p.join())) expect(after.bases[i]).toBe(pinned.get(p.join()));
        });
        const last = keys[n - 1]!;
        const lastRanges = all.flatMap((p, i) => (p.includes(last) ? [after.bases[i]!] : []));
        expect(new Set(lastRanges).size).toBe(lastRanges.length);
      }),
    );
  });

  test('GIVEN no room left below 32767 THEN the pair that does not fit is named', () => {
    const out = allocateRuleRanges([{ between: ['a', 'b'] }], 3, 32765, {});
    expect(out).toEqual({ ok: false, pair: ['a', 'b'] });
  });
});
