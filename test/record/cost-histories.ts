/**
 * Records PeeringCostReport, DrDrill-with-budgets and SetupInterRegionPeering-with-flow-logs
 * histories from the real dev server into test/histories/, for test/replay.test.ts, and prints the
 * `cost` command's output for a seeded month (the README's sample). Run by hand after a deliberate
 * change to these workflows:
 *
 *   npx ts-node --transpile-only test/record/cost-histories.ts
 *
 * It starts its own Temporal dev server and moto, with the fault proxy's AWS-faithful APIs in front.
 */
import { CreateLogStreamCommand, CloudWatchLogsClient, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addDays, firstOfMonth, firstOfNextMonth, isoDay } from '../../src/domain/cost/period';
import type { DrillReport, DrillRequest } from '../../src/domain/drill/types';
import type { PeeringResult } from '../../src/domain/peering/types';
import { ABC_MONTH, EU, PAIR_PRICES, US, costAndUsage, lastMonth, resultByTime } from '../support/cost-fixtures';
import { abcDrillRequest, ABC, createFailoverTargets } from '../support/drill/fixtures';
import { startFaultProxy } from '../../harness/fault-proxy';
import { CREDENTIALS, startTestWorker } from '../support/harness';
import { ROOT } from '../../harness/stack';
import { startRecordingServers } from './servers';
import { flowLogGroupName } from '../../src/domain/peering/flow-log-format';

const OUT = path.join(ROOT, 'test', 'histories');
const SETUP_ID = 'abc-corp-peering';
const GIB = 2 ** 30;
/** This month so far, as the flow logs below have it: replication out, its answers back. */
const MONTH_SO_FAR: Array<[string, number, number]> = [
  ['USE1-EU-AWS-Out-Bytes', 51.5, 1.03],
  ['EU-USE1-AWS-In-Bytes', 51.5, 0],
  ['EU-USE1-AWS-Out-Bytes', 1, 0.02],
  ['USE1-EU-AWS-In-Bytes', 1, 0],
];
/** GB sent each day of a week: a base load, a full resync on the third day. */
const WEEK = [38, 41, 160, 44, 39, 22, 20];

async function main(): Promise<void> {
  const servers = await startRecordingServers('record-cost-');
  const proxy = await startFaultProxy({ target: servers.moto.url });
  const w = await startTestWorker({ endpoint: proxy.url });
  const save = async (name: string, workflowId: string) => {
    const history = await w.client.workflow.getHandle(workflowId).fetchHistory();
    fs.writeFileSync(path.join(OUT, `${name}.json`), `${JSON.stringify(history)}\n`);
    console.log(`recorded ${name} (${history.events?.length} events)`);
  };
  const run = (type: string, workflowId: string, arg: unknown) =>
    w.client.workflow.execute(type, { taskQueue: w.taskQueue, workflowId, args: [arg] });
  try {
    const month = lastMonth();
    const today = isoDay(new Date());
    await fetch(`${servers.moto.url}/moto-api/static/ce/cost-and-usage-results`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        results: [
          costAndUsage([resultByTime(month.start, month.end, ABC_MONTH)]),
          costAndUsage([resultByTime(firstOfMonth(today), firstOfNextMonth(today), MONTH_SO_FAR, true)]),
          costAndUsage(
            WEEK.map((gb, i) =>
              resultByTime(addDays(month.start, i), addDays(month.start, i + 1), [
                ['USE1-EU-AWS-Out-Bytes', gb, gb * 0.02],
                ['EU-USE1-AWS-In-Bytes', gb, 0],
                ['EU-USE1-AWS-Out-Bytes', gb / 20, gb / 1000],
              ]),
            ),
          ),
        ],
      }),
    });
    proxy.faithful.pricing.setProducts(PAIR_PRICES);
    proxy.faithful.costExplorer.setForecast({ meanUsd: 9.45 });
    proxy.faithful.networkPerformance.subscribe(US, US, EU);
    proxy.faithful.networkPerformance.setLatency(US, EU, [71.8, 70.9, 72.4]);

    const flowRequest = {
      ...ABC,
      flowLogs: true,
      flowLogsRoleArn: 'arn:aws:iam::123456789012:role/vpc-peering-flow-logs',
    };
    const setup = (await run('SetupInterRegionPeering', SETUP_ID, flowRequest)) as PeeringResult;
    await save('setup-flow-logs', SETUP_ID);

    // moto never writes flow-log records: a month of replication, as VPC Flow Logs would write it.
    const now = Math.floor(Date.now() / 1000);
    const rec = (src: string, dst: string, sp: number, dp: number, bytes: number) =>
      `5 eni-0a1b2c3d4e5f ${src} ${dst} ${sp} ${dp} 6 9000 ${bytes} ${now - 60} ${now} ACCEPT OK egress 5`;
    const put = async (region: string, group: string, messages: string[]) => {
      const logs = new CloudWatchLogsClient({ region, endpoint: servers.moto.url, credentials: CREDENTIALS });
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'eni-0a1b2c3d4e5f-all' }));
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 'eni-0a1b2c3d4e5f-all',
          logEvents: messages.map((message, i) => ({ timestamp: Date.now() + i, message })),
        }),
      );
    };
    await put(US, flowLogGroupName(SETUP_ID, 'requester'), [
      rec('10.0.1.10', '10.1.1.20', 41000, 5432, 48 * GIB),
      rec('10.0.1.11', '10.1.1.20', 52000, 443, 3.5 * GIB),
    ]);
    await put(EU, flowLogGroupName(SETUP_ID, 'accepter'), [rec('10.1.1.20', '10.0.1.10', 5432, 41000, 1 * GIB)]);

    await run('PeeringCostReport', 'cost-report-month', {
      peering: { peeringConnectionId: setup.peeringConnectionId, requesterRegion: US, accepterRegion: EU },
      ...month,
      budgetUsd: 500,
    });
    await save('cost-report-month', 'cost-report-month');
    await run('PeeringCostReport', 'cost-report-current', { peering: { setupWorkflowId: SETUP_ID }, budgetUsd: 50 });
    await save('cost-report-current', 'cost-report-current');

    const failover = await createFailoverTargets(servers.moto.url);
    const drill: DrillRequest = abcDrillRequest(SETUP_ID, failover, { costBudgetUsd: 50, latencyBudgetMs: 100 });
    const drilled = (await run('DrDrill', 'drdrill-budgets', drill)) as DrillReport;
    console.log(`--- drdrill-budgets: ${drilled.outcome}\n${JSON.stringify(drilled.checks.slice(-2), null, 2)}`);
    await save('drdrill-budgets', 'drdrill-budgets');

    const env = { ...process.env, TEMPORAL_ADDRESS: servers.temporal.address, TEMPORAL_TASK_QUEUE: w.taskQueue };
    // Not execFileSync: the worker answering the CLI's run lives in this process.
    const cli = (args: string[]) =>
      new Promise<string>((resolve, reject) =>
        execFile(
          'npx',
          ['ts-node', '--transpile-only', 'src/client.ts', 'cost', ...args],
          { cwd: ROOT, env },
          // Exit 1 is "over budget", still a report to show.
          (e, out) =>
            e && e.code !== 1 ? reject(new Error(`cost ${args.join(' ')}: ${e.message}`)) : resolve(out.trimEnd()),
        ),
      );
    const sample = await cli(['--setup-id', SETUP_ID, '--budget', '50']);
    const week = ['--start', month.start, '--end', addDays(month.start, WEEK.length), '--granularity', 'DAILY'];
    const daily = await cli(['--setup-id', SETUP_ID, ...week]);
    fs.mkdirSync(path.join(ROOT, '.data'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, '.data', 'cost-sample.txt'), `${sample}\n\n${daily}\n`);
    console.log(`--- npm run client -- cost --setup-id ${SETUP_ID} --budget 50\n${sample}`);
    console.log(`--- npm run client -- cost --setup-id ${SETUP_ID} ${week.join(' ')}\n${daily}`);
  } finally {
    await w.shutdown();
    await proxy.close();
    await servers.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
