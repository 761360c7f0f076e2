import {
  GetCostAndUsageCommand,
  GetCostForecastCommand,
  type Expression,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import type { CostGranularity, ForecastResult } from '../../domain/cost/types';
import { roundUsd, type UsagePeriod } from '../../domain/cost/report';
import { heartbeat } from '../activity-context';
import type { AwsClients } from '../aws/clients';
import { isNamed, nonRetryable } from '../aws/errors';

/** Cost Explorer bills every request; a report that needs more pages than this asks too much at once. */
export const MAX_COST_PAGES = 10;

export interface ReadCostsInput {
  start: string;
  end: string;
  granularity: CostGranularity;
  usageTypes: string[];
}

export interface ReadCostsResult {
  periods: UsagePeriod[];
  /** GetCostAndUsage requests made. */
  pages: number;
}

export interface ForecastInput {
  start: string;
  end: string;
  usageTypes: string[];
}

const usageTypeFilter = (usageTypes: string[]): Expression => ({
  Dimensions: { Key: 'USAGE_TYPE', Values: usageTypes, MatchOptions: ['EQUALS'] },
});

const amount = (text: string | undefined): number => {
  const n = Number(text ?? 0);
  return Number.isFinite(n) ? n : 0;
};

/** A page's periods merged into those seen so far: a period's groups may run over several pages. */
function merge(into: Map<string, UsagePeriod>, results: ResultByTime[]): void {
  for (const r of results) {
    const start = r.TimePeriod?.Start ?? '';
    const period = into.get(start) ?? { start, end: r.TimePeriod?.End ?? '', estimated: false, rows: [] };
    period.estimated ||= Boolean(r.Estimated);
    for (const g of r.Groups ?? []) {
      period.rows.push({
        usageType: g.Keys?.[0] ?? '',
        gb: amount(g.Metrics?.UsageQuantity?.Amount),
        usd: amount(g.Metrics?.UnblendedCost?.Amount),
      });
    }
    into.set(start, period);
  }
}

export function createCostExplorerActivities(clients: AwsClients) {
  /**
   * One GetCostAndUsage query grouped by USAGE_TYPE and filtered to the pair's usage types,
   * followed page by page; Cost Explorer has no paginator in the SDK.
   */
  async function readPeeringCosts(input: ReadCostsInput): Promise<ReadCostsResult> {
    const ce = clients.costExplorer();
    const periods = new Map<string, UsagePeriod>();
    let token: string | undefined;
    let pages = 0;
    do {
      if (pages === MAX_COST_PAGES) {
        throw nonRetryable(
          'CostReportTooLarge',
          `Cost Explorer still had more after ${MAX_COST_PAGES} pages; ask for a shorter period or MONTHLY`,
        );
      }
      const out = await ce.send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: input.start, End: input.end },
          Granularity: input.granularity,
          Metrics: ['UsageQuantity', 'UnblendedCost'],
          GroupBy: [{ Type: 'DIMENSION', Key: 'USAGE_TYPE' }],
          Filter: usageTypeFilter(input.usageTypes),
          ...(token ? { NextPageToken: token } : {}),
        }),
      );
      pages += 1;
      merge(periods, out.ResultsByTime ?? []);
      token = out.NextPageToken || undefined;
      heartbeat({ pages });
    } while (token);
    return { periods: [...periods.values()], pages };
  }

  /** Cost Explorer's forecast of the pair's unblended cost; new accounts have too little history for one. */
  async function forecastPeeringCost(input: ForecastInput): Promise<ForecastResult> {
    try {
      const out = await clients.costExplorer().send(
        new GetCostForecastCommand({
          TimePeriod: { Start: input.start, End: input.end },
          Metric: 'UNBLENDED_COST',
          Granularity: 'MONTHLY',
          Filter: usageTypeFilter(input.usageTypes),
        }),
      );
      return { forecastUsd: roundUsd(amount(out.Total?.Amount)) };
    } catch (err) {
      if (isNamed(err, 'DataUnavailableException'))
        return { note: `Cost Explorer has no forecast yet: ${(err as Error).message}` };
      throw err;
    }
  }

  return { readPeeringCosts, forecastPeeringCost };
}
