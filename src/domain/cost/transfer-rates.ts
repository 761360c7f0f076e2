/**
 * Inter-region data transfer list prices, for when the Pricing API cannot be reached: the
 * first-tier "data transfer out to another AWS Region" prices of EC2's pricing page as this table
 * was written (FALLBACK_RATES_AS_OF), from AWS's published figures, not read live. AWS changes them
 * rarely; the report labels them as this table, with its date, whenever they are used.
 */
import type { TransferRate } from './types';

export const FALLBACK_RATES_AS_OF = '2026-12-01';

/** USD per GB sent from the region to any other region, unless a pair below says otherwise. */
const FROM_REGION: Readonly<Record<string, number>> = {
  'us-east-1': 0.02,
  'us-east-2': 0.02,
  'us-west-1': 0.02,
  'us-west-2': 0.02,
  'ca-central-1': 0.02,
  'eu-west-1': 0.02,
  'eu-west-2': 0.02,
  'eu-west-3': 0.02,
  'eu-central-1': 0.02,
  'eu-north-1': 0.02,
  'ap-northeast-1': 0.09,
  'ap-northeast-2': 0.08,
  'ap-southeast-1': 0.09,
  'ap-southeast-2': 0.098,
  'ap-south-1': 0.086,
  'sa-east-1': 0.138,
};

/** Pairs priced apart from their source region's rate, both ways. */
const PAIRS: ReadonlyArray<[string, string, number]> = [['us-east-1', 'us-east-2', 0.01]];

export function fallbackRate(from: string, to: string, note: string): TransferRate {
  const pair = PAIRS.find(([a, b]) => (a === from && b === to) || (a === to && b === from));
  const rate = pair?.[2] ?? FROM_REGION[from];
  return {
    from,
    to,
    usdPerGb: rate ?? null,
    source: 'fallback-table',
    asOf: FALLBACK_RATES_AS_OF,
    note: rate === undefined ? `${note}; the fallback table has no rate from ${from}` : note,
  };
}

interface PriceDimension {
  unit?: string;
  beginRange?: string;
  description?: string;
  pricePerUnit?: { USD?: string };
}

interface PriceListProduct {
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, PriceDimension> }> };
}

/**
 * The first-tier on-demand USD price per GB in a Pricing API `PriceList` (its `aws_v1` JSON
 * documents), or undefined when none of them has one.
 */
export function firstTierUsdPerGb(priceList: string[]): { usdPerGb: number; description?: string } | undefined {
  for (const text of priceList) {
    let product: PriceListProduct;
    try {
      product = JSON.parse(text) as PriceListProduct;
    } catch {
      continue;
    }
    const dimensions = Object.values(product.terms?.OnDemand ?? {}).flatMap((o) =>
      Object.values(o.priceDimensions ?? {}),
    );
    const first = dimensions.find((d) => d.unit === 'GB' && Number(d.beginRange ?? 0) === 0);
    const usd = Number(first?.pricePerUnit?.USD);
    if (first && Number.isFinite(usd))
      return { usdPerGb: usd, ...(first.description ? { description: first.description } : {}) };
  }
  return undefined;
}
