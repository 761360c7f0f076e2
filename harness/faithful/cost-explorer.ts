/**
 * Cost Explorer's GetCostForecast, which moto lacks (moto answers GetCostAndUsage from results
 * queued at /moto-api/static/ce/cost-and-usage-results). JSON 1.1, target AWSInsightsIndexService.
 * Until a test seeds a forecast it answers as AWS does for an account with too little history.
 */
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { FaithfulApi } from './faithful-api';
import { jsonBody, jsonError, jsonOk } from './json-protocol';

const METRICS = [
  'AMORTIZED_COST',
  'BLENDED_COST',
  'NET_AMORTIZED_COST',
  'NET_UNBLENDED_COST',
  'UNBLENDED_COST',
  'NORMALIZED_USAGE_AMOUNT',
  'USAGE_QUANTITY',
];

export interface ForecastSeed {
  /** The mean forecast for the requested period. */
  meanUsd: number;
  /** The 80% prediction interval, when AWS would give one. */
  lowerUsd?: number;
  upperUsd?: number;
}

export class CostExplorerForecasts extends FaithfulApi {
  private seed: ForecastSeed | undefined;
  /** Every GetCostForecast body received, for tests that check what was asked. */
  readonly requests: Array<Record<string, unknown>> = [];

  /** Answer forecasts with these figures; `undefined` goes back to "not enough history". */
  setForecast(seed: ForecastSeed | undefined): void {
    this.seed = seed;
  }

  clear(): void {
    this.seed = undefined;
    this.requests.length = 0;
  }

  serve(call: AwsCall): Answer | undefined {
    if (call.service !== 'ce' || call.action !== 'GetCostForecast') return undefined;
    const body = jsonBody(call);
    this.requests.push(body);
    const period = body.TimePeriod as { Start?: string; End?: string } | undefined;
    if (!period?.Start || !period.End)
      return jsonError(400, 'ValidationException', 'TimePeriod with Start and End is required');
    if (period.End <= period.Start)
      return jsonError(400, 'ValidationException', 'End date must be after the start date');
    if (!METRICS.includes(String(body.Metric)))
      return jsonError(400, 'ValidationException', `Metric must be one of ${METRICS.join(', ')}`);
    if (body.Granularity !== 'DAILY' && body.Granularity !== 'MONTHLY')
      return jsonError(400, 'ValidationException', 'Granularity must be DAILY or MONTHLY');
    if (!this.seed)
      return jsonError(400, 'DataUnavailableException', 'Insufficient amount of historical data to generate forecast.');
    const amount = (usd: number) => usd.toFixed(10);
    const result = {
      TimePeriod: { Start: period.Start, End: period.End },
      MeanValue: amount(this.seed.meanUsd),
      ...(this.seed.lowerUsd === undefined ? {} : { PredictionIntervalLowerBound: amount(this.seed.lowerUsd) }),
      ...(this.seed.upperUsd === undefined ? {} : { PredictionIntervalUpperBound: amount(this.seed.upperUsd) }),
    };
    return jsonOk({ Total: { Amount: amount(this.seed.meanUsd), Unit: 'USD' }, ForecastResultsByTime: [result] });
  }
}
