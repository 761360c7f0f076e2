/**
 * PeeringCostReport on the real dev server, against moto's Cost Explorer (seeded results) and the
 * fault proxy's AWS-faithful forecast and Pricing APIs: what it sums, what it leaves out, what it
 * says about prices, and how few billed requests one report makes.
 */
import type { CostReport, CostReportRequest } from '../../src/domain/cost/types';
import { addDays, firstOfMonth, isoDay } from '../../src/domain/cost/period';
import { ABC_MONTH, EU, PAIR_PRICES, US, costAndUsage, lastMonth, resultByTime } from '../support/cost-fixtures';
import { useFaithfulStack } from '../support/faithful/stack';
import { uniqueId } from '../support/harness';

const stack = useFaithfulStack();
beforeEach(() => stack.reset());

const PEERING = { peeringConnectionId: 'pcx-0abc1234def567890', requesterRegion: US, accepterRegion: EU };

function report(request: Partial<CostReportRequest> = {}): Promise<CostReport> {
  return stack.worker.client.workflow.execute('PeeringCostReport', {
    taskQueue: stack.worker.taskQueue,
    workflowId: uniqueId('cost-report'),
    args: [{ peering: PEERING, ...request }],
  });
}

const month = lastMonth();
const seedAbcMonth = () => stack.queueCostAndUsage([costAndUsage([resultByTime(month.start, month.end, ABC_MONTH)])]);
const byService = (prefix: string) => stack.worker.calls.filter((c) => c.service === prefix).map((c) => c.operation);

describe('a seeded Cost Explorer month for us-east-1 ↔ eu-west-1', () => {
  it("GIVEN the month's bill WHEN the report runs THEN it sums only the pair's usage types, per direction, and asks for them by name", async () => {
    await seedAbcMonth();
    stack.proxy.faithful.pricing.setProducts(PAIR_PRICES);

    const r = await report({ ...month, budgetUsd: 500 });

    expect(r.regions).toEqual([US, EU]);
    expect(r.usageTypes).toEqual([
      'USE1-EU-AWS-Out-Bytes',
      'EU-USE1-AWS-In-Bytes',
      'USE1-AWS-Out-Bytes',
      'EU-USE1-AWS-Out-Bytes',
      'USE1-EU-AWS-In-Bytes',
      'EU-AWS-Out-Bytes',
    ]);
    expect(r.periods).toEqual([
      {
        start: month.start,
        end: month.end,
        estimated: false,
        directions: [
          { from: US, to: EU, gb: 1200, costUsd: 24 },
          { from: EU, to: US, gb: 300, costUsd: 6 },
        ],
        costUsd: 30,
      },
    ]);
    // USE1-APN1-AWS-Out-Bytes (500 GB, $10) and the intra-region type (800 GB, $8) are left out.
    expect({ totalGb: r.totalGb, totalCostUsd: r.totalCostUsd }).toEqual({ totalGb: 1500, totalCostUsd: 30 });
    expect({ budgetUsd: r.budgetUsd, overBudget: r.overBudget }).toEqual({ budgetUsd: 500, overBudget: false });
    expect(r.forecastUsd).toBeUndefined();
    expect(r.forecastNote).toContain('ends before today');
    expect(r.scope).toContain('not by peering');
  });

  it('GIVEN the same month WHEN budgets on either side of its $30 are given THEN overBudget says so exactly', async () => {
    await seedAbcMonth();

    // One after another: moto hands a queued result to the first request with a new body only.
    const under = await report({ ...month, budgetUsd: 30.01 });
    const over = await report({ ...month, budgetUsd: 29.99 });
    const equal = await report({ ...month, budgetUsd: 30 });

    expect([under.overBudget, over.overBudget, equal.overBudget]).toEqual([false, true, false]);
    expect([under.totalCostUsd, over.totalCostUsd, equal.totalCostUsd]).toEqual([30, 30, 30]);
  });

  it('GIVEN a bill Cost Explorer returns in two pages WHEN the report runs THEN it follows NextPageToken and merges the period', async () => {
    const [first, second] = [ABC_MONTH.slice(0, 3), ABC_MONTH.slice(3)];
    await stack.queueCostAndUsage([
      costAndUsage([resultByTime(month.start, month.end, first)], 'page-2'),
      costAndUsage([resultByTime(month.start, month.end, second)]),
    ]);

    const r = await report(month);

    expect(r.calls['ce:GetCostAndUsage']).toBe(2);
    expect(r.periods[0]?.directions.map((d) => [d.gb, d.costUsd])).toEqual([
      [1200, 24],
      [300, 6],
    ]);
  });

  it('GIVEN DAILY granularity WHEN the report runs THEN each day is a period of its own', async () => {
    const start = month.start;
    const days = [0, 1, 2].map((i) => addDays(start, i));
    await stack.queueCostAndUsage([
      costAndUsage(
        days.map((d, i) =>
          resultByTime(d, addDays(d, 1), [
            ['USE1-EU-AWS-Out-Bytes', 10 * (i + 1), 0.2 * (i + 1)],
            ['EU-USE1-AWS-Out-Bytes', 1, 0.02],
          ]),
        ),
      ),
    ]);

    const r = await report({ start, end: addDays(start, 3), granularity: 'DAILY' });

    expect(r.periods.map((p) => [p.start, p.directions[0]?.gb, p.costUsd])).toEqual([
      [days[0], 10, 0.22],
      [days[1], 20, 0.42],
      [days[2], 30, 0.62],
    ]);
    expect({ totalGb: r.totalGb, totalCostUsd: r.totalCostUsd }).toEqual({ totalGb: 63, totalCostUsd: 1.26 });
  });
});

describe('the rest of the current month', () => {
  const today = isoDay(new Date());
  const thisMonth = { start: firstOfMonth(today), end: addDays(today, 1) };

  it("GIVEN Cost Explorer has a forecast WHEN the current month is reported THEN forecastUsd is the rest of the month's", async () => {
    await stack.queueCostAndUsage([
      costAndUsage([resultByTime(thisMonth.start, thisMonth.end, [['USE1-EU-AWS-Out-Bytes', 100, 2]], true)]),
    ]);
    stack.proxy.faithful.costExplorer.setForecast({ meanUsd: 12.5 });

    const r = await report();

    expect(r.forecastUsd).toBe(12.5);
    expect(r.periods[0]?.estimated).toBe(true);
    const asked = stack.proxy.faithful.costExplorer.requests[0] as { TimePeriod: { Start: string } };
    expect(asked.TimePeriod.Start).toBe(today);
  });

  it('GIVEN an account with too little history WHEN the current month is reported THEN there is no forecastUsd, and the note says why', async () => {
    const r = await report();

    expect(r.forecastUsd).toBeUndefined();
    expect(r.forecastNote).toContain('Insufficient amount of historical data');
    expect(r.totalCostUsd).toBe(0);
  });
});

describe('the price per GB', () => {
  it('GIVEN the Pricing API answers WHEN the report runs THEN each direction has its listed rate, labelled as from the Pricing API', async () => {
    stack.proxy.faithful.pricing.setProducts([
      { fromRegionCode: US, toRegionCode: EU, usdPerGb: 0.02 },
      { fromRegionCode: EU, toRegionCode: US, usdPerGb: 0.021 },
    ]);

    const r = await report(month);

    expect(r.rates.map((x) => [x.from, x.to, x.usdPerGb, x.source])).toEqual([
      [US, EU, 0.02, 'pricing-api'],
      [EU, US, 0.021, 'pricing-api'],
    ]);
    const filters = stack.proxy.faithful.pricing.requests.map((b) => JSON.stringify(b.Filters));
    expect(filters[0]).toContain('"Field":"transferType","Value":"InterRegion Outbound"');
  });

  it('GIVEN the Pricing API cannot be reached WHEN the report runs THEN the dated fallback rate is used, and the report says so', async () => {
    stack.proxy.faithful.pricing.setProducts(PAIR_PRICES);
    stack.proxy.setRules([{ service: 'pricing', kind: 'lose-response' }]);

    const r = await report(month);

    expect(r.rates).toEqual([
      expect.objectContaining({ from: US, to: EU, usdPerGb: 0.02, source: 'fallback-table', asOf: '2026-12-01' }),
      expect.objectContaining({ from: EU, to: US, usdPerGb: 0.02, source: 'fallback-table', asOf: '2026-12-01' }),
    ]);
    expect(r.rates[0]?.note).toMatch(/could not be reached \(.*(socket hang up|ECONNRESET)/);
  });
  it('GIVEN the Pricing API takes connections but never answers WHEN the report runs THEN it gives up at its own deadline (not the activity timeout, retried) and uses the fallback', async () => {
    stack.proxy.setRules([{ service: 'pricing', kind: 'unreachable' }]);

    const r = await report(month);

    expect(r.rates.map((x) => [x.source, x.note])).toEqual([
      ['fallback-table', expect.stringMatching(/could not be reached \((TimeoutError|AbortError)/)],
      ['fallback-table', expect.stringMatching(/could not be reached \((TimeoutError|AbortError)/)],
    ]);
  });
});

describe('what one report costs', () => {
  it('GIVEN a month that fits one page WHEN one report runs THEN it makes one GetCostAndUsage, one forecast at most, and two GetProducts', async () => {
    await seedAbcMonth();
    stack.proxy.faithful.pricing.setProducts(PAIR_PRICES);

    const past = await report(month);
    const pastCe = byService('ce');
    stack.worker.calls.length = 0;
    const current = await report();

    expect(pastCe).toEqual(['GetCostAndUsage']);
    expect(byService('ce').sort()).toEqual(['GetCostAndUsage', 'GetCostForecast']);
    expect(byService('pricing')).toEqual(['GetProducts', 'GetProducts']);
    expect(stack.worker.calls.length).toBeLessThanOrEqual(6);
    expect(past.calls).toEqual({
      'ce:GetCostAndUsage': 1,
      'ce:GetCostForecast': 0,
      'pricing:GetProducts': 2,
      'logs:FilterLogEvents': 0,
    });
    expect(current.calls['ce:GetCostForecast']).toBe(1);
  });
});
