/**
 * DrDrill's budget checks on the real dev server: `cost` from a PeeringCostReport child on moto's
 * seeded Cost Explorer month and the faithful forecast, `latency` from EC2's network-performance
 * data (served by the AWS-faithful layer), subscribed only when the request allows it.
 */
import { firstOfMonth, firstOfNextMonth, isoDay } from '../../src/domain/cost/period';
import type { DrillFailover, DrillReport, DrillRequest } from '../../src/domain/drill/types';
import { EU, PAIR_PRICES, US, costAndUsage, resultByTime } from '../support/cost-fixtures';
import { abcDrillRequest, abcDrillWorld } from '../support/drill/fixtures';
import { useFaithfulStack } from '../support/faithful/stack';
import { uniqueId } from '../support/harness';

const stack = useFaithfulStack();
const setupId = uniqueId('budget-setup');
let failover: DrillFailover;

beforeAll(async () => {
  ({ failover } = await abcDrillWorld(stack.worker, setupId, stack.moto.url));
  const today = isoDay(new Date());
  // This month so far: $24 of replication out of us-east-1, plus a type that is not the pair's.
  await stack.queueCostAndUsage([
    costAndUsage([
      resultByTime(
        firstOfMonth(today),
        firstOfNextMonth(today),
        [
          ['USE1-EU-AWS-Out-Bytes', 1200, 24],
          ['USE1-APN1-AWS-Out-Bytes', 5000, 100],
        ],
        true,
      ),
    ]),
  ]);
  stack.proxy.faithful.pricing.setProducts(PAIR_PRICES);
}, 180_000);

beforeEach(() => {
  stack.proxy.faithful.networkPerformance.clear();
  stack.proxy.faithful.costExplorer.clear();
});

function drill(over: Partial<DrillRequest>): Promise<DrillReport> {
  return stack.worker.client.workflow.execute('DrDrill', {
    taskQueue: stack.worker.taskQueue,
    workflowId: uniqueId('budget-drill'),
    args: [abcDrillRequest(setupId, failover, over)],
  });
}

const check = (r: DrillReport, name: string) => r.checks.find((c) => c.name === name);
const others = (r: DrillReport) => r.checks.filter((c) => c.name !== 'cost' && c.name !== 'latency');

describe('DrDrill with a cost budget and a latency budget', () => {
  it('GIVEN spend, forecast and p50 inside their budgets WHEN the drill runs THEN both checks pass and so does the drill', async () => {
    stack.proxy.faithful.costExplorer.setForecast({ meanUsd: 12 });
    stack.proxy.faithful.networkPerformance.subscribe(US, US, EU);
    stack.proxy.faithful.networkPerformance.setLatency(US, EU, [74.1, 72.3]);

    const r = await drill({ costBudgetUsd: 500, latencyBudgetMs: 150 });

    expect(r.checks.slice(-2).map((c) => [c.name, c.ok])).toEqual([
      ['cost', true],
      ['latency', true],
    ]);
    expect(check(r, 'cost')?.detail).toBe(
      '$24.00 spent this month, $12.00 forecast for the rest (on course for $36.00); budget $500.00',
    );
    expect(check(r, 'latency')?.detail).toMatch(/^p50 72\.3 ms us-east-1 → eu-west-1 at .*, budget 150 ms$/);
    expect(r.cost).toMatchObject({ budgetUsd: 500, monthToDateUsd: 24, forecastUsd: 12, projectedUsd: 36 });
    expect(r.latency).toEqual({ budgetMs: 150, p50Ms: 72.3, source: US, destination: EU, subscribed: true });
    expect(r.outcome).toBe('passed');
  });

  it('GIVEN spend above the cost budget and p50 above the latency budget WHEN the drill runs THEN both checks fail, and only they', async () => {
    stack.proxy.faithful.networkPerformance.subscribe(US, US, EU);
    stack.proxy.faithful.networkPerformance.setLatency(US, EU, [72.3]);

    const r = await drill({ costBudgetUsd: 20, latencyBudgetMs: 50 });

    expect([check(r, 'cost')?.ok, check(r, 'latency')?.ok]).toEqual([false, false]);
    expect(check(r, 'cost')?.detail).toMatch(
      /^\$24\.00 spent this month \(no forecast: .*\); budget \$20\.00 EXCEEDED$/,
    );
    expect(check(r, 'latency')?.detail).toContain('budget 50 ms EXCEEDED');
    expect(others(r).every((c) => c.ok)).toBe(true);
    expect(r.outcome).toBe('failed');
  });

  it('GIVEN spend under budget but a forecast that takes the month over it, and an unsubscribed pair WHEN the drill may not subscribe THEN cost fails on the forecast and latency says "not subscribed"', async () => {
    stack.proxy.faithful.costExplorer.setForecast({ meanUsd: 12 });
    stack.proxy.faithful.networkPerformance.setLatency(US, EU, [72.3]);

    const r = await drill({ costBudgetUsd: 30, latencyBudgetMs: 150 });

    expect(check(r, 'cost')).toEqual({
      name: 'cost',
      ok: false,
      detail: '$24.00 spent this month, $12.00 forecast for the rest (on course for $36.00); budget $30.00 EXCEEDED',
    });
    expect(check(r, 'latency')).toMatchObject({ ok: false, detail: expect.stringMatching(/^not subscribed: /) });
    expect(r.latency).toMatchObject({ subscribed: false, p50Ms: null });
    expect(stack.proxy.faithful.networkPerformance.requests).not.toContain(
      'us-east-1:EnableAwsNetworkPerformanceMetricSubscription',
    );
    expect(stack.proxy.faithful.networkPerformance.subscriptionsIn(US)).toEqual([]);
  });

  it('GIVEN an unsubscribed pair WHEN the drill may subscribe THEN it subscribes us-east-1 → eu-west-1 and measures the p50', async () => {
    stack.proxy.faithful.networkPerformance.setLatency(US, EU, [70.2]);

    const r = await drill({ latencyBudgetMs: 150, enableLatencySubscription: true });

    expect(stack.proxy.faithful.networkPerformance.subscriptionsIn(US)).toEqual([
      { source: US, destination: EU, metric: 'aggregate-latency', statistic: 'p50', period: 'five-minutes' },
    ]);
    expect(check(r, 'latency')).toMatchObject({ ok: true });
    expect(r.latency?.p50Ms).toBe(70.2);
    expect(check(r, 'cost')).toBeUndefined();
    expect(r.outcome).toBe('passed');
  });
});
