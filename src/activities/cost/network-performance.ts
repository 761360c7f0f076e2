import {
  EnableAwsNetworkPerformanceMetricSubscriptionCommand,
  paginateDescribeAwsNetworkPerformanceMetricSubscriptions,
  paginateGetAwsNetworkPerformanceData,
  type MetricPoint,
} from '@aws-sdk/client-ec2';
import { accessOf, type SideAccess } from '../../domain/aws/access';
import type { AwsClients } from '../aws/clients';
import { collect } from '../ec2/helpers';

const METRIC = 'aggregate-latency';
const STATISTIC = 'p50';
/** How far back a measurement may be and still count as the current latency. */
export const LATENCY_LOOKBACK_MS = 60 * 60 * 1000;

export interface MeasureLatencyInput extends SideAccess {
  /** Both are region names; the call is made in `source`. */
  source: string;
  destination: string;
  /** Subscribe the pair to AWS's aggregate-latency p50 when it is not subscribed yet. @default false */
  enableSubscription?: boolean;
}

export interface LatencyMeasurement {
  subscribed: boolean;
  /** This call made the subscription. */
  enabled: boolean;
  /** The newest p50 in the last hour, in milliseconds. */
  p50Ms?: number;
  at?: string;
}

export function createNetworkPerformanceActivities(clients: AwsClients) {
  /**
   * AWS's own measurement of the latency between two regions (Infrastructure Performance, EC2's
   * GetAwsNetworkPerformanceData): the newest five-minute aggregate-latency p50 of the last hour.
   * A pair nobody subscribed to is subscribed only when the request allows it.
   */
  async function measureLatency(input: MeasureLatencyInput): Promise<LatencyMeasurement> {
    const ec2 = clients.ec2(input.source, accessOf(input));
    const subscriptions = await collect(
      paginateDescribeAwsNetworkPerformanceMetricSubscriptions({ client: ec2 }, {}),
      (p) => p.Subscriptions,
    );
    let enabled = false;
    const subscribed = subscriptions.some(
      (s) =>
        s.Source === input.source &&
        s.Destination === input.destination &&
        s.Metric === METRIC &&
        s.Statistic === STATISTIC,
    );
    if (!subscribed) {
      if (!input.enableSubscription) return { subscribed: false, enabled: false };
      const out = await ec2.send(
        new EnableAwsNetworkPerformanceMetricSubscriptionCommand({
          Source: input.source,
          Destination: input.destination,
          Metric: METRIC,
          Statistic: STATISTIC,
        }),
      );
      enabled = out.Output === true;
      if (!enabled) return { subscribed: false, enabled: false };
    }
    const now = Date.now();
    const points: MetricPoint[] = [];
    const pages = paginateGetAwsNetworkPerformanceData(
      { client: ec2 },
      {
        StartTime: new Date(now - LATENCY_LOOKBACK_MS),
        EndTime: new Date(now),
        DataQueries: [
          {
            Id: 'peering-p50',
            Source: input.source,
            Destination: input.destination,
            Metric: METRIC,
            Statistic: STATISTIC,
            Period: 'five-minutes',
          },
        ],
      },
    );
    for await (const page of pages) for (const r of page.DataResponses ?? []) points.push(...(r.MetricPoints ?? []));
    const newest = points
      .filter((p) => typeof p.Value === 'number' && p.EndDate)
      .sort((a, b) => b.EndDate!.getTime() - a.EndDate!.getTime())[0];
    return {
      subscribed: true,
      enabled,
      ...(newest ? { p50Ms: newest.Value!, at: newest.EndDate!.toISOString() } : {}),
    };
  }

  return { measureLatency };
}
