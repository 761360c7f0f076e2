/**
 * The pure parts of the cost report, without a server: billing codes and usage types, the sums per
 * period and direction, the period rules Cost Explorer imposes, list prices, and flow-log records.
 */
import fc from 'fast-check';
import {
  BILLING_CODES,
  billingCode,
  pairUsageTypes,
  regionsWithoutBillingCode,
} from '../../src/domain/cost/billing-codes';
import { firstOfNextMonth, forecastWindow, resolvePeriod } from '../../src/domain/cost/period';
import { isOverBudget, summarizePeriods, totals, type UsagePeriod } from '../../src/domain/cost/report';
import {
  canRead,
  peeringEgressPattern,
  sumPeeringTraffic,
  withEstimates,
} from '../../src/domain/cost/flow-log-records';
import { fallbackRate, firstTierUsdPerGb } from '../../src/domain/cost/transfer-rates';
import { validateCostReportRequest } from '../../src/domain/cost/validate';
import { FLOW_LOG_FORMAT, flowLogGroupName } from '../../src/domain/peering/flow-log-format';

const US = 'us-east-1';
const EU = 'eu-west-1';
const PEERING = { peeringConnectionId: 'pcx-0123456789abcdef0', requesterRegion: US, accepterRegion: EU };

describe('billing codes', () => {
  it('GIVEN every region the project knows WHEN its billing code is looked up THEN there is one, and no two regions share it', () => {
    expect(regionsWithoutBillingCode()).toEqual([]);
    const codes = Object.values(BILLING_CODES);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('GIVEN the irregular regions WHEN coded THEN eu-west-1 is EU and the Asia Pacific numbers follow launch order', () => {
    expect({
      'eu-west-1': billingCode('eu-west-1'),
      'eu-west-3': billingCode('eu-west-3'),
      'us-east-1': billingCode('us-east-1'),
      'ap-northeast-1': billingCode('ap-northeast-1'),
      'ap-south-1': billingCode('ap-south-1'),
      'ap-southeast-3': billingCode('ap-southeast-3'),
    }).toEqual({
      'eu-west-1': 'EU',
      'eu-west-3': 'EUW3',
      'us-east-1': 'USE1',
      'ap-northeast-1': 'APN1',
      'ap-south-1': 'APS3',
      'ap-southeast-3': 'APS4',
    });
  });

  it('GIVEN us-east-1 ↔ eu-west-1 WHEN its usage types are listed THEN both directions appear in both forms, and nothing else', () => {
    const types = pairUsageTypes(US, EU);

    expect(types.map((t) => `${t.usageType} ${t.from}>${t.to} ${t.side}${t.undirected ? ' undirected' : ''}`)).toEqual([
      'USE1-EU-AWS-Out-Bytes us-east-1>eu-west-1 out',
      'EU-USE1-AWS-In-Bytes us-east-1>eu-west-1 in',
      'USE1-AWS-Out-Bytes us-east-1>eu-west-1 out undirected',
      'EU-USE1-AWS-Out-Bytes eu-west-1>us-east-1 out',
      'USE1-EU-AWS-In-Bytes eu-west-1>us-east-1 in',
      'EU-AWS-Out-Bytes eu-west-1>us-east-1 out undirected',
    ]);
  });
});

const row = (usageType: string, gb: number, usd: number) => ({ usageType, gb, usd });
const NOVEMBER: UsagePeriod = {
  start: '2026-11-01',
  end: '2026-12-01',
  estimated: false,
  rows: [
    row('USE1-EU-AWS-Out-Bytes', 1200, 24),
    row('EU-USE1-AWS-In-Bytes', 1200, 0),
    row('EU-USE1-AWS-Out-Bytes', 300, 6),
    row('USE1-EU-AWS-In-Bytes', 300, 0),
    row('USE1-APN1-AWS-Out-Bytes', 500, 10),
    row('USE1-DataTransfer-Regional-Bytes', 800, 8),
  ],
};

describe('summing Cost Explorer rows', () => {
  const roles = pairUsageTypes(US, EU);

  it("GIVEN a month with the pair's types and two others WHEN summed THEN only the pair counts, each byte once per direction", () => {
    const [period] = summarizePeriods([NOVEMBER], roles, [US, EU]);

    expect(period!.directions).toEqual([
      { from: US, to: EU, gb: 1200, costUsd: 24 },
      { from: EU, to: US, gb: 300, costUsd: 6 },
    ]);
    expect(period!.costUsd).toBe(30);
    expect(totals([period!])).toEqual({ totalGb: 1500, totalCostUsd: 30 });
  });

  it('GIVEN only one account side in the bill WHEN summed THEN the In bytes alone still count, and the destination-less form adds to Out', () => {
    const accepterOnly: UsagePeriod = {
      ...NOVEMBER,
      rows: [row('EU-USE1-AWS-In-Bytes', 70, 0), row('EU-AWS-Out-Bytes', 40, 0.8)],
    };
    const [period] = summarizePeriods([accepterOnly], roles, [US, EU]);

    expect(period!.directions).toEqual([
      { from: US, to: EU, gb: 70, costUsd: 0 },
      { from: EU, to: US, gb: 40, costUsd: 0.8 },
    ]);
  });

  it("GIVEN any rows WHEN summed THEN the period's cost is exactly what the pair's types billed, whatever else the bill holds", () => {
    const types = [...roles.map((r) => r.usageType), 'USE1-APN1-AWS-Out-Bytes', 'EU-DataTransfer-Out-Bytes'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ usageType: fc.constantFrom(...types), gb: fc.nat(10_000), usd: fc.nat(1_000) })),
        (rows) => {
          const [period] = summarizePeriods([{ ...NOVEMBER, rows }], roles, [US, EU]);
          const pairUsd = rows
            .filter((r) => roles.some((t) => t.usageType === r.usageType))
            .reduce((s, r) => s + r.usd, 0);
          expect(period!.costUsd).toBeCloseTo(pairUsd, 3);
        },
      ),
    );
  });

  it('GIVEN a budget WHEN compared THEN over only when the cost is above it, and never without one', () => {
    expect([isOverBudget(30, 29.99), isOverBudget(30, 30), isOverBudget(30, 500), isOverBudget(30, undefined)]).toEqual(
      [true, false, false, false],
    );
  });
});

describe('periods', () => {
  const today = '2026-12-15';

  it('GIVEN no dates WHEN resolved THEN the report covers the current month, and the forecast the rest of it', () => {
    const period = resolvePeriod({ peering: PEERING }, today);

    expect(period).toEqual({ start: '2026-12-01', end: '2027-01-01', granularity: 'MONTHLY' });
    expect(forecastWindow(period, today)).toEqual({ start: today, end: '2027-01-01' });
    expect(forecastWindow({ ...period, start: '2026-10-01', end: '2026-11-01' }, today)).toBeUndefined();
    expect(firstOfNextMonth('2026-02-28')).toBe('2026-03-01');
  });

  it.each([
    [{ start: '2026-11-31' }, 'start', 'calendar date'],
    [{ start: '2026-11-10', end: '2026-11-10' }, 'end', 'must be after start'],
    [{ start: '2026-11-01', end: '2027-02-01' }, 'end', 'first day of next month'],
    [{ start: '2026-01-01', end: '2026-12-01', granularity: 'DAILY' }, 'start', 'at most 92 days'],
    [{ granularity: 'HOURLY' }, 'granularity', 'MONTHLY or DAILY'],
    [{ budgetUsd: -1 }, 'budgetUsd', '0 or more'],
    [{ extra: 1 }, '(request)', ''],
  ])('GIVEN %j WHEN validated THEN %s is refused', (over, field, reason) => {
    const checked = validateCostReportRequest({ peering: PEERING, ...over }, today);

    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.error.field).toBe(field);
      expect(checked.error.reason).toContain(reason);
    }
  });
});

describe('list prices', () => {
  it('GIVEN a Pricing API document WHEN read THEN its first-tier GB price is the rate; a broken one is skipped', () => {
    const doc = JSON.stringify({
      terms: {
        OnDemand: {
          'A.B': {
            priceDimensions: { 'A.B.C': { unit: 'GB', beginRange: '0', pricePerUnit: { USD: '0.0200000000' } } },
          },
        },
      },
    });

    expect(firstTierUsdPerGb(['{not json', doc])).toEqual({ usdPerGb: 0.02 });
    expect(firstTierUsdPerGb([])).toBeUndefined();
  });

  it('GIVEN Pricing could not answer WHEN the fallback is used THEN it is labelled with its table and date, and knows the odd pair', () => {
    expect(fallbackRate(US, EU, 'unreachable')).toEqual({
      from: US,
      to: EU,
      usdPerGb: 0.02,
      source: 'fallback-table',
      asOf: '2026-12-01',
      note: 'unreachable',
    });
    expect(fallbackRate('us-east-2', US, 'x').usdPerGb).toBe(0.01);
    expect(fallbackRate('af-south-1', US, 'x')).toMatchObject({
      usdPerGb: null,
      note: expect.stringContaining('no rate'),
    });
  });
});

describe('flow-log records', () => {
  const record = (dir: string, path: string, srcport: number, dstport: number, bytes: number, action = 'ACCEPT') =>
    `5 eni-1 10.0.1.5 10.1.1.9 ${srcport} ${dstport} 6 10 ${bytes} 1700000000 1700000060 ${action} OK ${dir} ${path}`;

  it("GIVEN the setup's format WHEN checked THEN it has what the report reads, and a filter that keeps peering egress", () => {
    expect(canRead(FLOW_LOG_FORMAT)).toBe(true);
    expect(canRead('${version} ${account-id} ${bytes}')).toBe(false);
    expect(peeringEgressPattern(FLOW_LOG_FORMAT)).toMatch(/^\[f0, .*f13="egress", f14=5\]$/);
    expect(flowLogGroupName('abc corp:1', 'requester')).toBe('/vpc-peering/flow-logs/abc_corp_1/requester');
  });

  it('GIVEN egress and ingress records on several paths WHEN summed THEN only accepted egress over the inter-Region peering counts, by service port', () => {
    const sum = sumPeeringTraffic(
      [
        {
          from: US,
          to: EU,
          logFormat: FLOW_LOG_FORMAT,
          messages: [
            record('egress', '5', 40000, 5432, 2 ** 30),
            record('egress', '5', 40001, 5432, 2 ** 30),
            record('egress', '5', 40002, 443, 1000),
            record('ingress', '-', 5432, 40000, 999_999),
            record('egress', '2', 40003, 443, 777_777),
            record('egress', '5', 40004, 443, 555, 'REJECT'),
            'garbage line',
          ],
        },
        { from: EU, to: US, logFormat: FLOW_LOG_FORMAT, messages: [record('egress', '5', 5432, 40000, 3 * 2 ** 29)] },
      ],
      [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }],
    );

    expect(sum.records).toBe(4);
    expect(withEstimates(sum.ports, () => 0.02)).toEqual([
      { from: EU, to: US, protocol: 'tcp', port: 5432, bytes: 3 * 2 ** 29, gb: 1.5, estimatedUsd: 0.03 },
      { from: US, to: EU, protocol: 'tcp', port: 5432, bytes: 2 ** 31, gb: 2, estimatedUsd: 0.04 },
      { from: US, to: EU, protocol: 'tcp', port: 443, bytes: 1000, gb: 0, estimatedUsd: 0 },
    ]);
  });
});
