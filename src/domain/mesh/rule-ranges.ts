/**
 * NACL rule numbers for the pairs of a mesh. A pair's child setup writes its entries at the same
 * numbers on both sides, so a pair's range must be free in both VPCs' ACLs: free of every other
 * pair of either VPC, and of every entry either VPC's ACLs already hold.
 */

export const NACL_RULE_MAX = 32766;

export interface RangeRequest {
  between: [string, string];
  /** A range an earlier run recorded on the pair's peering; it is kept as it is. */
  pinned?: number;
  /** The numbers this pair takes, when not the mesh's `width` (VPCs with secondary CIDRs take more). */
  width?: number;
}

export type RangeOutcome = { ok: true; bases: number[] } | { ok: false; pair: [string, string] };

type Interval = [number, number];

/**
 * First fit, in the order of `pairs`: each new pair takes the lowest base from `start` upward
 * whose `width` numbers touch nothing taken in either of its VPCs. Pinned pairs keep their base.
 */
export function allocateRuleRanges(
  pairs: RangeRequest[],
  width: number,
  start: number,
  occupied: Record<string, number[]>,
): RangeOutcome {
  const taken = new Map<string, Interval[]>();
  const take = (key: string, iv: Interval) => {
    const list = taken.get(key) ?? [];
    list.push(iv);
    taken.set(key, list);
  };
  for (const [key, numbers] of Object.entries(occupied)) for (const n of numbers) take(key, [n, n]);
  for (const p of pairs) {
    if (p.pinned === undefined) continue;
    for (const key of p.between) take(key, [p.pinned, p.pinned + (p.width ?? width) - 1]);
  }
  const bases: number[] = [];
  for (const p of pairs) {
    if (p.pinned !== undefined) {
      bases.push(p.pinned);
      continue;
    }
    const w = p.width ?? width;
    const blockers = [...(taken.get(p.between[0]) ?? []), ...(taken.get(p.between[1]) ?? [])].sort(
      (x, y) => x[0] - y[0],
    );
    let base = start;
    for (const [lo, hi] of blockers) {
      if (lo > base + w - 1) break;
      if (hi >= base) base = hi + 1;
    }
    if (base + w - 1 > NACL_RULE_MAX) return { ok: false, pair: p.between };
    bases.push(base);
    for (const key of p.between) take(key, [base, base + w - 1]);
  }
  return { ok: true, bases };
}
