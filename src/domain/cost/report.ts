/** The arithmetic of a cost report: Cost Explorer's rows summed per period and direction. */
import type { UsageTypeRole } from './billing-codes';
import type { CostPeriod, DirectionCost } from './types';

/** One usage type's figures in one period, as Cost Explorer grouped them. */
export interface UsageRow {
  usageType: string;
  /** `UsageQuantity`; data transfer is metered in GB. */
  gb: number;
  /** `UnblendedCost`. */
  usd: number;
}

export interface UsagePeriod {
  start: string;
  end: string;
  estimated: boolean;
  rows: UsageRow[];
}

export const roundGb = (gb: number): number => Math.round(gb * 1000) / 1000;
export const roundUsd = (usd: number): number => Math.round(usd * 10_000) / 10_000;

interface Sums {
  outGb: number;
  inGb: number;
  usd: number;
}

/**
 * Sums each period per direction, counting only the pair's usage types (whatever Cost Explorer's
 * filter let through). The same bytes show up as Out in the sending region and In in the receiving
 * one, so a direction's GB is the larger of the two, never their sum; its cost is everything billed.
 */
export function summarizePeriods(
  periods: UsagePeriod[],
  roles: UsageTypeRole[],
  regions: [string, string],
): CostPeriod[] {
  const byType = new Map(roles.map((r) => [r.usageType, r]));
  const directions: Array<[string, string]> = [regions, [regions[1], regions[0]]];
  return [...periods]
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((period) => {
      const sums = new Map<string, Sums>(directions.map(([f, t]) => [`${f}>${t}`, { outGb: 0, inGb: 0, usd: 0 }]));
      for (const row of period.rows) {
        const role = byType.get(row.usageType);
        const sum = role && sums.get(`${role.from}>${role.to}`);
        if (!role || !sum) continue;
        if (role.side === 'out') sum.outGb += row.gb;
        else sum.inGb += row.gb;
        sum.usd += row.usd;
      }
      const out: DirectionCost[] = directions.map(([from, to]) => {
        const s = sums.get(`${from}>${to}`)!;
        return { from, to, gb: roundGb(Math.max(s.outGb, s.inGb)), costUsd: roundUsd(s.usd) };
      });
      const usd = [...sums.values()].reduce((total, s) => total + s.usd, 0);
      const { start, end, estimated } = period;
      return { start, end, estimated, directions: out, costUsd: roundUsd(usd) };
    });
}

export function totals(periods: CostPeriod[]): { totalGb: number; totalCostUsd: number } {
  const gb = periods.flatMap((p) => p.directions).reduce((total, d) => total + d.gb, 0);
  const usd = periods.reduce((total, p) => total + p.costUsd, 0);
  return { totalGb: roundGb(gb), totalCostUsd: roundUsd(usd) };
}

/** Over budget when the period's cost is above it; without a budget, never. */
export function isOverBudget(totalCostUsd: number, budgetUsd: number | undefined): boolean {
  return budgetUsd !== undefined && totalCostUsd > budgetUsd;
}

export const COST_SCOPE =
  "Cost Explorer bills transfer by region pair, not by peering: the figures are all of this account's " +
  'inter-region data transfer between the two regions (other peerings, replication, endpoints included). ' +
  "Flow-log bytes, where present, are this peering's own.";
