/**
 * `flowLogs: true` on the real dev server and moto: the setup gives each side a tagged v5 flow log
 * into a log group of its own, the cost report sums the bytes each side sent over the peering per
 * port (from synthetic records written into moto's groups: moto never writes any), and teardown
 * removes flow logs and groups.
 */
import {
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeFlowLogsCommand } from '@aws-sdk/client-ec2';
import type { CostReport } from '../../src/domain/cost/types';
import { firstOfMonth, firstOfNextMonth, isoDay } from '../../src/domain/cost/period';
import { SETUP_ID_TAG } from '../../src/domain/aws/tags';
import type { PeeringRequest, PeeringResult, TeardownResult } from '../../src/domain/peering/types';
import { EU, PAIR_PRICES, US, costAndUsage, resultByTime } from '../support/cost-fixtures';
import { useFaithfulStack } from '../support/faithful/stack';
import { applicationFailureOf } from '../support/failures';
import { uniqueId } from '../support/harness';
import { twoRegionRequest } from '../support/requests';
import { FLOW_LOG_FORMAT, FLOW_LOG_GROUP_PREFIX, flowLogGroupName } from '../../src/domain/peering/flow-log-format';

const stack = useFaithfulStack();
const ROLE = 'arn:aws:iam::123456789012:role/vpc-peering-flow-logs';
const REQUEST: PeeringRequest = {
  ...twoRegionRequest('flowlogs', 60, [
    { protocol: 'tcp', fromPort: 5432, toPort: 5432, description: 'PostgreSQL replication' },
    { protocol: 'tcp', fromPort: 443, toPort: 443 },
  ]),
  flowLogs: true,
  flowLogsRoleArn: ROLE,
};
const setupId = uniqueId('flow-setup');
let setup: PeeringResult;

const run = <T>(type: string, arg: unknown, id = uniqueId(type)): Promise<T> =>
  stack.worker.client.workflow.execute(type, { taskQueue: stack.worker.taskQueue, workflowId: id, args: [arg] });

/** A v5 record in the setup's format: `bytes` sent from src:srcport to dst:dstport. */
function record(o: {
  src: string;
  dst: string;
  srcport: number;
  dstport: number;
  bytes: number;
  dir: string;
  path: string;
}) {
  const now = Math.floor(Date.now() / 1000);
  return `5 eni-0a1b2c3d ${o.src} ${o.dst} ${o.srcport} ${o.dstport} 6 40 ${o.bytes} ${now - 60} ${now} ACCEPT OK ${o.dir} ${o.path}`;
}

async function writeRecords(region: string, group: string, messages: string[]): Promise<void> {
  const logs = stack.logs(region);
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'eni-0a1b2c3d-all' }));
  const timestamp = Date.now();
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: 'eni-0a1b2c3d-all',
      logEvents: messages.map((message, i) => ({ timestamp: timestamp + i, message })),
    }),
  );
}

/** The flow logs and log groups of `id` still in moto, per region. */
async function flowLogsLeft(id: string): Promise<Record<string, string[]>> {
  const left: Record<string, string[]> = {};
  for (const region of [US, EU]) {
    const flowLogs = await stack
      .ec2(region)
      .send(new DescribeFlowLogsCommand({ Filter: [{ Name: `tag:${SETUP_ID_TAG}`, Values: [id] }] }));
    const groups = await stack
      .logs(region)
      .send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `${FLOW_LOG_GROUP_PREFIX}${id}` }));
    left[region] = [
      ...(flowLogs.FlowLogs ?? []).map((f) => f.FlowLogId!),
      ...(groups.logGroups ?? []).map((g) => g.logGroupName!),
    ];
  }
  return left;
}

beforeAll(async () => {
  setup = await run<PeeringResult>('SetupInterRegionPeering', REQUEST, setupId);
}, 180_000);

describe('a setup with flowLogs: true', () => {
  it.each([
    ['requester', US],
    ['accepter', EU],
  ] as const)(
    'GIVEN the setup completed WHEN the %s side is read in moto THEN its VPC has one tagged v5 flow log into its own tagged log group',
    async (side, region) => {
      const vpcId = setup[side].vpcId;
      const group = flowLogGroupName(setupId, side);

      const flowLogs = (
        await stack
          .ec2(region)
          .send(new DescribeFlowLogsCommand({ Filter: [{ Name: 'resource-id', Values: [vpcId] }] }))
      ).FlowLogs;
      const groups = (await stack.logs(region).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group })))
        .logGroups;
      const tags = await stack
        .logs(region)
        .send(new ListTagsForResourceCommand({ resourceArn: groups?.[0]?.logGroupArn }));

      expect(
        flowLogs?.map((f) => ({
          group: f.LogGroupName,
          format: f.LogFormat,
          role: f.DeliverLogsPermissionArn,
          traffic: f.TrafficType,
          tagged: f.Tags?.some((t) => t.Key === SETUP_ID_TAG && t.Value === setupId),
        })),
      ).toEqual([{ group, format: FLOW_LOG_FORMAT, role: ROLE, traffic: 'ALL', tagged: true }]);
      expect(groups?.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([[group, 30]]);
      expect(tags.tags?.[SETUP_ID_TAG]).toBe(setupId);
      expect(
        setup.created.filter((r) => r.region === region && (r.type === 'flow-log' || r.type === 'log-group')),
      ).toHaveLength(2);
    },
  );

  it('GIVEN synthetic v5 records in both groups WHEN the cost report runs for the setup THEN it sums the bytes each side sent over the peering, per service port', async () => {
    const gib = 2 ** 30;
    const [req, acc] = ['10.60.1.10', '10.61.1.20'];
    await writeRecords(US, flowLogGroupName(setupId, 'requester'), [
      record({ src: req, dst: acc, srcport: 40100, dstport: 5432, bytes: 2 * gib, dir: 'egress', path: '5' }),
      record({ src: req, dst: acc, srcport: 40101, dstport: 5432, bytes: gib, dir: 'egress', path: '5' }),
      record({ src: req, dst: acc, srcport: 40102, dstport: 443, bytes: gib / 2, dir: 'egress', path: '5' }),
      // Not over the peering (an internet gateway), and ingress (counted by the sender): left out.
      record({ src: req, dst: '52.94.1.1', srcport: 40103, dstport: 443, bytes: 9 * gib, dir: 'egress', path: '8' }),
      record({ src: acc, dst: req, srcport: 5432, dstport: 40100, bytes: 7 * gib, dir: 'ingress', path: '-' }),
    ]);
    await writeRecords(EU, flowLogGroupName(setupId, 'accepter'), [
      // The replica's answers leave 5432 for an ephemeral port: counted under 5432.
      record({ src: acc, dst: req, srcport: 5432, dstport: 40100, bytes: gib / 4, dir: 'egress', path: '5' }),
    ]);
    const today = isoDay(new Date());
    await stack.queueCostAndUsage([
      costAndUsage([
        resultByTime(firstOfMonth(today), firstOfNextMonth(today), [['USE1-EU-AWS-Out-Bytes', 3.5, 0.07]], true),
      ]),
    ]);
    stack.proxy.faithful.pricing.setProducts(PAIR_PRICES);

    const report = await run<CostReport>('PeeringCostReport', { peering: { setupWorkflowId: setupId } });

    expect(report.peeringConnectionId).toBe(setup.peeringConnectionId);
    expect(report.flowLogs?.logGroups.sort()).toEqual([
      `${EU}:${flowLogGroupName(setupId, 'accepter')}`,
      `${US}:${flowLogGroupName(setupId, 'requester')}`,
    ]);
    expect(report.flowLogs?.records).toBe(4);
    expect(report.flowLogs?.ports).toEqual([
      { from: US, to: EU, protocol: 'tcp', port: 5432, bytes: 3 * gib, gb: 3, estimatedUsd: 0.06 },
      { from: US, to: EU, protocol: 'tcp', port: 443, bytes: gib / 2, gb: 0.5, estimatedUsd: 0.01 },
      { from: EU, to: US, protocol: 'tcp', port: 5432, bytes: gib / 4, gb: 0.25, estimatedUsd: 0.005 },
    ]);
    expect(report.calls['logs:FilterLogEvents']).toBe(2);
  });

  it('GIVEN the setup WHEN it is torn down THEN its flow logs and log groups are deleted, and nothing of them is left', async () => {
    const before = await flowLogsLeft(setupId);
    const result = await run<TeardownResult>('TeardownInterRegionPeering', { setupWorkflowId: setupId });

    expect([before[US]?.length, before[EU]?.length]).toEqual([2, 2]);

    const removed = result.deleted.filter((r) => r.type === 'flow-log' || r.type === 'log-group');
    expect(removed.map((r) => `${r.region} ${r.type}`).sort()).toEqual([
      `${EU} flow-log`,
      `${EU} log-group`,
      `${US} flow-log`,
      `${US} log-group`,
    ]);
    expect(await flowLogsLeft(setupId)).toEqual({ [US]: [], [EU]: [] });
  });

  it("GIVEN eu-west-1 refuses CreateFlowLogs WHEN a flow-log setup runs THEN it fails and the rollback removes the other side's flow log and both log groups too", async () => {
    const failing = uniqueId('flow-rollback');
    stack.proxy.setRules([
      {
        service: 'ec2',
        region: EU,
        action: 'CreateFlowLogs',
        kind: 'error',
        status: 403,
        code: 'UnauthorizedOperation',
      },
    ]);
    try {
      const failure = await applicationFailureOf(
        run('SetupInterRegionPeering', { ...REQUEST, ...twoRegionRequest('flowfail', 70, REQUEST.allow) }, failing),
      );
      expect(failure.message).toContain('flow-logs');
    } finally {
      stack.proxy.clearRules();
    }

    expect(await flowLogsLeft(failing)).toEqual({ [US]: [], [EU]: [] });
  });
});
