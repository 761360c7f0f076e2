/**
 * Seeded Cost Explorer months for us-east-1 ↔ eu-west-1, as moto hands them to GetCostAndUsage,
 * and the list prices of the pair as the Pricing API would list them.
 */
import { addDays, firstOfMonth, isoDay } from '../../src/domain/cost/period';
import type { TransferProduct } from '../../harness/faithful';

export const US = 'us-east-1';
export const EU = 'eu-west-1';

type Group = [usageType: string, gb: number, usd: number];

/** The ABC Corp month: replication out of us-east-1, a little back, and two types that are not the pair's. */
export const ABC_MONTH: Group[] = [
  ['USE1-EU-AWS-Out-Bytes', 1200, 24],
  ['EU-USE1-AWS-In-Bytes', 1200, 0],
  ['EU-USE1-AWS-Out-Bytes', 300, 6],
  ['USE1-EU-AWS-In-Bytes', 300, 0],
  ['USE1-APN1-AWS-Out-Bytes', 500, 10],
  ['USE1-DataTransfer-Regional-Bytes', 800, 8],
];

export function resultByTime(start: string, end: string, groups: Group[], estimated = false) {
  return {
    TimePeriod: { Start: start, End: end },
    Total: {},
    Groups: groups.map(([usageType, gb, usd]) => ({
      Keys: [usageType],
      Metrics: {
        UsageQuantity: { Amount: String(gb), Unit: 'GB' },
        UnblendedCost: { Amount: String(usd), Unit: 'USD' },
      },
    })),
    Estimated: estimated,
  };
}

/** One GetCostAndUsage answer; `nextPageToken` makes the report ask again. */
export function costAndUsage(results: ReturnType<typeof resultByTime>[], nextPageToken?: string) {
  return {
    ...(nextPageToken ? { NextPageToken: nextPageToken } : {}),
    GroupDefinitions: [{ Type: 'DIMENSION', Key: 'USAGE_TYPE' }],
    ResultsByTime: results,
    DimensionValueAttributes: [],
  };
}

/** The month before the current one (UTC), whatever day the tests run. */
export function lastMonth(now = new Date()): { start: string; end: string } {
  const end = firstOfMonth(isoDay(now));
  return { start: firstOfMonth(addDays(end, -1)), end };
}

export const PAIR_PRICES: TransferProduct[] = [
  { fromRegionCode: US, toRegionCode: EU, usdPerGb: 0.02, usagetype: 'USE1-EU-AWS-Out-Bytes' },
  { fromRegionCode: EU, toRegionCode: US, usdPerGb: 0.02, usagetype: 'EU-USE1-AWS-Out-Bytes' },
  { fromRegionCode: US, toRegionCode: 'ap-northeast-1', usdPerGb: 0.02, usagetype: 'USE1-APN1-AWS-Out-Bytes' },
];
