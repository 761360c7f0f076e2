/**
 * The APIs moto lacks, answered by the fault proxy's AWS-faithful layer: the real SDK clients
 * (the same ones the product uses) must read every answer, errors included, as they read AWS's.
 */
import { CostExplorerClient, GetCostForecastCommand } from '@aws-sdk/client-cost-explorer';
import {
  DescribeAwsNetworkPerformanceMetricSubscriptionsCommand,
  EC2Client,
  EnableAwsNetworkPerformanceMetricSubscriptionCommand,
  GetAwsNetworkPerformanceDataCommand,
} from '@aws-sdk/client-ec2';
import { GetProductsCommand, PricingClient, paginateGetProducts } from '@aws-sdk/client-pricing';
import { EU, PAIR_PRICES, US } from '../support/cost-fixtures';
import { credentials, failureOf, useProxiedMoto } from '../support/proxied-moto';

const stack = useProxiedMoto();
const ce = () => new CostExplorerClient({ region: US, endpoint: stack.proxy.url, credentials, maxAttempts: 1 });
const pricing = () => new PricingClient({ region: US, endpoint: stack.proxy.url, credentials, maxAttempts: 1 });
/** A Pricing API `aws_v1` document, as far as these tests read it. */
interface PriceDocument {
  product: { attributes: Record<string, string> };
  terms: { OnDemand: Record<string, { priceDimensions: Record<string, unknown> }> };
}
const documents = (list: unknown) => ((list ?? []) as unknown[]).map((d) => JSON.parse(String(d)) as PriceDocument);
const ec2 = (region = US) => new EC2Client({ region, endpoint: stack.proxy.url, credentials, maxAttempts: 1 });

beforeEach(() => stack.proxy.faithful.clear());

const FORECAST = {
  TimePeriod: { Start: '2026-12-01', End: '2027-01-01' },
  Metric: 'UNBLENDED_COST' as const,
  Granularity: 'MONTHLY' as const,
};

describe('Cost Explorer GetCostForecast (JSON 1.1)', () => {
  it('GIVEN no forecast seeded WHEN asked THEN the SDK sees DataUnavailableException, as for a new account', async () => {
    const err = await failureOf(ce().send(new GetCostForecastCommand(FORECAST)));

    expect({ name: err.name, status: err.$metadata?.httpStatusCode }).toEqual({
      name: 'DataUnavailableException',
      status: 400,
    });
  });

  it('GIVEN a seeded forecast WHEN asked THEN the SDK reads its total and period; a reversed period is a ValidationException', async () => {
    stack.proxy.faithful.costExplorer.setForecast({ meanUsd: 12.5, lowerUsd: 10, upperUsd: 15 });

    const out = await ce().send(new GetCostForecastCommand(FORECAST));
    const bad = await failureOf(
      ce().send(new GetCostForecastCommand({ ...FORECAST, TimePeriod: { Start: '2027-01-01', End: '2026-12-01' } })),
    );

    expect(Number(out.Total?.Amount)).toBe(12.5);
    expect(out.ForecastResultsByTime?.[0]).toMatchObject({
      TimePeriod: FORECAST.TimePeriod,
      PredictionIntervalLowerBound: '10.0000000000',
    });
    expect(bad.name).toBe('ValidationException');
    expect(stack.proxy.faithful.costExplorer.requests).toHaveLength(2);
  });
});

describe('Pricing GetProducts (JSON 1.1)', () => {
  it('GIVEN seeded transfer products WHEN filtered by both regions and the transfer type THEN only that product comes back, as an aws_v1 document', async () => {
    stack.proxy.faithful.pricing.setProducts(PAIR_PRICES);

    const out = await pricing().send(
      new GetProductsCommand({
        ServiceCode: 'AWSDataTransfer',
        FormatVersion: 'aws_v1',
        Filters: [
          { Type: 'TERM_MATCH', Field: 'fromRegionCode', Value: US },
          { Type: 'TERM_MATCH', Field: 'toRegionCode', Value: EU },
          { Type: 'TERM_MATCH', Field: 'transferType', Value: 'InterRegion Outbound' },
        ],
      }),
    );
    const docs = documents(out.PriceList);

    expect(out.FormatVersion).toBe('aws_v1');
    expect(docs.map((d) => d.product.attributes.usagetype)).toEqual(['USE1-EU-AWS-Out-Bytes']);
    const offer = Object.values(docs[0]!.terms.OnDemand)[0]!;
    expect(Object.values(offer.priceDimensions)[0]).toMatchObject({
      unit: 'GB',
      beginRange: '0',
      pricePerUnit: { USD: '0.0200000000' },
    });
  });

  it("GIVEN more products than a page WHEN the SDK's paginator reads them THEN it follows NextToken to the end", async () => {
    stack.proxy.faithful.pricing.setProducts(PAIR_PRICES);
    const seen: string[] = [];

    for await (const page of paginateGetProducts(
      { client: pricing(), pageSize: 1 },
      { ServiceCode: 'AWSDataTransfer', Filters: [{ Type: 'TERM_MATCH', Field: 'fromRegionCode', Value: US }] },
    ))
      seen.push(...documents(page.PriceList).map((d) => d.product.attributes.toRegionCode!));

    expect(seen).toEqual([EU, 'ap-northeast-1']);
  });

  it('GIVEN a lose-response rule on pricing WHEN asked THEN the connection drops without an answer: the API is unreachable', async () => {
    stack.proxy.faithful.pricing.setProducts(PAIR_PRICES);
    stack.proxy.setRules([{ service: 'pricing', kind: 'lose-response' }]);

    const err = await failureOf(pricing().send(new GetProductsCommand({ ServiceCode: 'AWSDataTransfer' })));

    expect(err.$metadata?.httpStatusCode).toBeUndefined();
    expect(`${err.name} ${err.message}`).toMatch(/socket hang up|ECONNRESET|TimeoutError/);
  });
});

describe('EC2 network performance (query protocol, XML)', () => {
  it('GIVEN no subscription WHEN one is enabled THEN Describe lists it in that region only', async () => {
    const before = await ec2().send(new DescribeAwsNetworkPerformanceMetricSubscriptionsCommand({}));
    const enabled = await ec2().send(
      new EnableAwsNetworkPerformanceMetricSubscriptionCommand({
        Source: US,
        Destination: EU,
        Metric: 'aggregate-latency',
        Statistic: 'p50',
      }),
    );
    const after = await ec2().send(new DescribeAwsNetworkPerformanceMetricSubscriptionsCommand({}));
    const elsewhere = await ec2(EU).send(new DescribeAwsNetworkPerformanceMetricSubscriptionsCommand({}));

    expect(before.Subscriptions ?? []).toEqual([]);
    expect(enabled.Output).toBe(true);
    expect(after.Subscriptions).toEqual([
      { Source: US, Destination: EU, Metric: 'aggregate-latency', Statistic: 'p50', Period: 'five-minutes' },
    ]);
    expect(elsewhere.Subscriptions ?? []).toEqual([]);
  });

  it('GIVEN seeded p50 points WHEN the data is asked for a window THEN the SDK reads dates and numbers for the points inside it', async () => {
    const until = new Date('2026-12-01T12:00:00Z');
    stack.proxy.faithful.networkPerformance.setLatency(US, EU, [71.2, 70.8, 69.5], until);

    const out = await ec2().send(
      new GetAwsNetworkPerformanceDataCommand({
        StartTime: new Date('2026-12-01T11:52:00Z'),
        EndTime: until,
        DataQueries: [
          {
            Id: 'q1',
            Source: US,
            Destination: EU,
            Metric: 'aggregate-latency',
            Statistic: 'p50',
            Period: 'five-minutes',
          },
        ],
      }),
    );
    const [response] = out.DataResponses ?? [];

    expect(response).toMatchObject({ Id: 'q1', Source: US, Destination: EU, Metric: 'aggregate-latency' });
    expect(response?.MetricPoints?.map((p) => [p.EndDate?.toISOString(), p.Value, p.Status])).toEqual([
      ['2026-12-01T11:55:00.000Z', 70.8, 'OK'],
      ['2026-12-01T12:00:00.000Z', 69.5, 'OK'],
    ]);
  });

  it('GIVEN an unsupported statistic WHEN enabling THEN EC2 answers InvalidParameterValue', async () => {
    const err = await failureOf(
      ec2().send(
        new EnableAwsNetworkPerformanceMetricSubscriptionCommand({
          Source: US,
          Destination: EU,
          Metric: 'aggregate-latency',
          Statistic: 'p99' as 'p50',
        }),
      ),
    );

    expect(err.name).toBe('InvalidParameterValue');
  });
});
