/**
 * EC2's Infrastructure Performance calls, which moto lacks: GetAwsNetworkPerformanceData,
 * EnableAwsNetworkPerformanceMetricSubscription and DescribeAwsNetworkPerformanceMetricSubscriptions,
 * in EC2's query protocol with the XML element names of the SDK's schema. Subscriptions are kept
 * per region of the call; tests seed the latency points AWS would have measured.
 */
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { FaithfulApi } from './faithful-api';
import { ec2Error, ec2Ok, queryList, xmlFields } from './ec2-query';

const METRIC = 'aggregate-latency';
const STATISTIC = 'p50';
const PERIODS = ['five-minutes', 'fifteen-minutes', 'one-hour', 'three-hours', 'one-day', 'one-week'];
const ACTIONS = [
  'GetAwsNetworkPerformanceData',
  'EnableAwsNetworkPerformanceMetricSubscription',
  'DescribeAwsNetworkPerformanceMetricSubscriptions',
];

export interface LatencyPoint {
  startDate: Date;
  endDate: Date;
  /** Milliseconds. */
  value: number;
  /** @default "OK" */
  status?: string;
}

interface Subscription {
  source: string;
  destination: string;
  metric: string;
  statistic: string;
  period: string;
}

export class NetworkPerformanceApi extends FaithfulApi {
  private readonly subscriptions = new Map<string, Subscription[]>();
  private readonly points = new Map<string, LatencyPoint[]>();
  /** Actions received, in order, as `region:Action`. */
  readonly requests: string[] = [];

  /** A subscription that already exists in `region`, as if someone enabled it earlier. */
  subscribe(region: string, source: string, destination: string): void {
    const list = this.subscriptions.get(region) ?? [];
    if (!list.some((s) => s.source === source && s.destination === destination))
      list.push({ source, destination, metric: METRIC, statistic: STATISTIC, period: 'five-minutes' });
    this.subscriptions.set(region, list);
  }

  subscriptionsIn(region: string): Subscription[] {
    return [...(this.subscriptions.get(region) ?? [])];
  }

  /** Five-minute p50 points ending at `until`, newest last: `valuesMs[i]` for the i-th window. */
  setLatency(source: string, destination: string, valuesMs: number[], until = new Date()): void {
    const step = 5 * 60 * 1000;
    const points = valuesMs.map((value, i) => {
      const end = until.getTime() - (valuesMs.length - 1 - i) * step;
      return { startDate: new Date(end - step), endDate: new Date(end), value };
    });
    this.points.set(`${source}>${destination}`, points);
  }

  clear(): void {
    this.subscriptions.clear();
    this.points.clear();
    this.requests.length = 0;
  }

  serve(call: AwsCall): Answer | undefined {
    if (call.service !== 'ec2' || !ACTIONS.includes(call.action)) return undefined;
    const region = call.region ?? 'us-east-1';
    this.requests.push(`${region}:${call.action}`);
    const params = call.params;
    if (call.action === 'EnableAwsNetworkPerformanceMetricSubscription') return this.enable(region, params);
    if (call.action === 'DescribeAwsNetworkPerformanceMetricSubscriptions') return this.describe(region, params);
    return this.data(params);
  }

  private enable(region: string, params: URLSearchParams): Answer {
    const source = params.get('Source');
    const destination = params.get('Destination');
    if (!source || !destination) return ec2Error('MissingParameter', 'Source and Destination are required');
    if ((params.get('Metric') ?? METRIC) !== METRIC || (params.get('Statistic') ?? STATISTIC) !== STATISTIC)
      return ec2Error('InvalidParameterValue', `only ${METRIC} with ${STATISTIC} is supported`);
    this.subscribe(region, source, destination);
    return ec2Ok('EnableAwsNetworkPerformanceMetricSubscription', xmlFields([['output', true]]));
  }

  private describe(region: string, params: URLSearchParams): Answer {
    const all = this.subscriptionsIn(region);
    const max = Number(params.get('MaxResults') ?? 100);
    const offset = Number(params.get('NextToken') ?? 0);
    if (!Number.isInteger(offset) || offset < 0) return ec2Error('InvalidNextToken', 'The token is not valid');
    const page = all.slice(offset, offset + max);
    const items = page.map(
      (s) =>
        `<item>${xmlFields([
          ['source', s.source],
          ['destination', s.destination],
          ['metric', s.metric],
          ['statistic', s.statistic],
          ['period', s.period],
        ])}</item>`,
    );
    const next = offset + max < all.length ? xmlFields([['nextToken', offset + max]]) : '';
    return ec2Ok(
      'DescribeAwsNetworkPerformanceMetricSubscriptions',
      `<subscriptionSet>${items.join('')}</subscriptionSet>${next}`,
    );
  }

  private data(params: URLSearchParams): Answer {
    const start = params.get('StartTime') ? new Date(params.get('StartTime')!) : new Date(0);
    const end = params.get('EndTime') ? new Date(params.get('EndTime')!) : new Date();
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
      return ec2Error('InvalidParameterValue', 'StartTime and EndTime must be dates');
    const responses: string[] = [];
    for (const q of queryList(params, 'DataQuery')) {
      const period = q.Period ?? 'five-minutes';
      if ((q.Metric ?? METRIC) !== METRIC || (q.Statistic ?? STATISTIC) !== STATISTIC || !PERIODS.includes(period))
        return ec2Error('InvalidParameterValue', `DataQuery ${q.Id ?? ''}: unsupported metric, statistic or period`);
      const points = (this.points.get(`${q.Source}>${q.Destination}`) ?? []).filter(
        (p) => p.endDate > start && p.startDate < end,
      );
      const pointXml = points.map(
        (p) =>
          `<item>${xmlFields([
            ['startDate', p.startDate.toISOString()],
            ['endDate', p.endDate.toISOString()],
            ['value', p.value],
            ['status', p.status ?? 'OK'],
          ])}</item>`,
      );
      responses.push(
        `<item>${xmlFields([
          ['id', q.Id],
          ['source', q.Source],
          ['destination', q.Destination],
          ['metric', q.Metric ?? METRIC],
          ['statistic', q.Statistic ?? STATISTIC],
          ['period', period],
        ])}<metricPointSet>${pointXml.join('')}</metricPointSet></item>`,
      );
    }
    return ec2Ok('GetAwsNetworkPerformanceData', `<dataResponseSet>${responses.join('')}</dataResponseSet>`);
  }
}
