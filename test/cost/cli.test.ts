/**
 * The client's `cost` command as a person runs it (`npm run client -- cost …`), against a worker on
 * a seeded Cost Explorer: the table per period and direction, a bar per day for DAILY, `--json`,
 * and the exit codes (1 over budget, 2 bad flags).
 */
import { execFile } from 'node:child_process';
import { addDays } from '../../src/domain/cost/period';
import type { CostReport } from '../../src/domain/cost/types';
import { ABC_MONTH, PAIR_PRICES, costAndUsage, lastMonth, resultByTime } from '../support/cost-fixtures';
import { testEnv } from '../support/env';
import { useFaithfulStack } from '../support/faithful/stack';
import { tsNodeCommand } from '../support/ts-node';
import { ROOT } from '../../harness/stack';

const stack = useFaithfulStack();
const month = lastMonth();
const days = [0, 1, 2, 3].map((i) => addDays(month.start, i));
const PEERING = [
  '--peering',
  'pcx-0abc1234def567890',
  '--requester-region',
  'us-east-1',
  '--accepter-region',
  'eu-west-1',
];

beforeAll(async () => {
  // moto hands these out in the order of the first request with each new body.
  await stack.queueCostAndUsage([
    costAndUsage([resultByTime(month.start, month.end, ABC_MONTH)]),
    costAndUsage(
      days.map((d, i) =>
        resultByTime(d, addDays(d, 1), [
          ['USE1-EU-AWS-Out-Bytes', [40, 80, 20, 5][i]!, [0.8, 1.6, 0.4, 0.1][i]!],
          ['EU-USE1-AWS-Out-Bytes', 5, 0],
        ]),
      ),
    ),
  ]);
  stack.proxy.faithful.pricing.setProducts(PAIR_PRICES);
});

function cost(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      ...tsNodeCommand('src/client.ts', ['cost', ...args]),
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: testEnv().temporalAddress,
          TEMPORAL_TASK_QUEUE: stack.worker.taskQueue,
        },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run client -- cost', () => {
  it('GIVEN a seeded month WHEN cost runs with a budget THEN it prints a table per period and direction, the total against the budget, and the rates', async () => {
    const run = await cost([...PEERING, '--start', month.start, '--end', month.end, '--budget', '500']);

    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`us-east-1 ↔ eu-west-1 (pcx-0abc1234def567890): ${month.start} → ${month.end}, MONTHLY`);
    expect(lines.slice(2, 6)).toEqual([
      'Period                   Direction                     GB     USD',
      `${month.start} → ${month.end}  us-east-1 → eu-west-1  1,200.000  $24.00`,
      '                         eu-west-1 → us-east-1    300.000   $6.00',
      '                         period total           1,500.000  $30.00',
    ]);
    expect(run.stdout).toContain('Total 1,500.000 GB, $30.00; budget $500.00: within (6.0%)');
    expect(run.stdout).toContain('  us-east-1 → eu-west-1: $0.02/GB (Pricing API)');
    expect(run.stderr).toContain('Started PeeringCostReport cost-pcx-0abc1234def567890-');
  });

  it('GIVEN DAILY granularity WHEN cost runs THEN each day gets a bar scaled to the costliest day', async () => {
    const run = await cost([...PEERING, '--start', days[0]!, '--end', addDays(days[0]!, 4), '--granularity', 'daily']);

    expect(run.code).toBe(0);
    const bars = run.stdout.split('\n').filter((l) => / │.*│ /.test(l));
    expect(bars).toEqual([
      `${days[0]} │${'█'.repeat(20).padEnd(40)}│     $0.80  45.000 GB`,
      `${days[1]} │${'█'.repeat(40)}│     $1.60  85.000 GB`,
      `${days[2]} │${'█'.repeat(10).padEnd(40)}│     $0.40  25.000 GB`,
      `${days[3]} │${'██▌'.padEnd(40)}│     $0.10  10.000 GB`,
    ]);
  });

  it('GIVEN --json and a budget below the spend WHEN cost runs THEN stdout is the report as JSON, and the exit code is 1', async () => {
    const run = await cost([...PEERING, '--start', month.start, '--end', month.end, '--budget', '25', '--json']);
    const report = JSON.parse(run.stdout) as CostReport;

    expect(run.code).toBe(1);
    expect({ total: report.totalCostUsd, budget: report.budgetUsd, over: report.overBudget }).toEqual({
      total: 30,
      budget: 25,
      over: true,
    });
    expect(report.periods[0]?.directions.map((d) => d.gb)).toEqual([1200, 300]);
  });

  it('GIVEN a budget that is not a number WHEN cost runs THEN it stops before Temporal with exit code 2', async () => {
    const run = await cost([...PEERING, '--budget', 'lots']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--budget lots: expected a number of US dollars');
  });
});
