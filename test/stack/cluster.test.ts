/**
 * The production engine: Temporal server v1.29.1 on PostgreSQL, three nodes in one membership ring
 * (harness/temporal-cluster.ts, the configuration `STACK_ENGINE=cluster npm run stack:up` and
 * docker-compose.yml run), with the same workflows and worker as on the dev server. A setup, a
 * failover and a teardown on it, and a node that does not hold the clients' frontend SIGKILLed in
 * the middle of a setup whose history shard it owns.
 */
import { DescribeVpcPeeringConnectionsCommand } from '@aws-sdk/client-ec2';
import { Connection, type WorkflowHandle } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FailoverReport } from '../../src/domain/failover/types';
import type { PeeringRequest, PeeringResult, SetupProgress, TeardownResult } from '../../src/domain/peering/types';
import { countTagged, routesVia, taggedResources } from '../support/aws-state';
import { testEnv } from '../support/env';
import { MotoFailoverFixture } from '../support/failover/fixture';
import { startSuiteFaultProxy } from '../support/faithful/layer';
import { type FaultProxy } from '../../harness/fault-proxy';
import { ec2, startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { waitFor } from '../../harness/stack';
import { TEMPORAL_SERVER_VERSION, startTemporalCluster, type TemporalCluster } from '../../harness/temporal-cluster';

const ABC = JSON.parse(readFileSync(path.resolve(__dirname, '../../examples/abc-corp.json'), 'utf8')) as PeeringRequest;
const REGIONS = [ABC.requester.region, ABC.accepter.region];

let cluster: TemporalCluster;
let proxy: FaultProxy;
let w: TestWorker;

beforeAll(async () => {
  cluster = await startTemporalCluster({ nodes: 3 });
  // Every AWS call of the worker goes through a proxy with no rules, until the kill test adds one.
  proxy = await startSuiteFaultProxy();
  w = await startTestWorker({ temporalAddress: cluster.address, endpoint: proxy.url });
}, 240_000);

afterAll(async () => {
  await w?.shutdown();
  await proxy?.close();
  await cluster?.stop();
}, 60_000);

const startSetup = (workflowId: string, taskQueue = w.taskQueue) =>
  w.client.workflow.start('SetupInterRegionPeering', { taskQueue, workflowId, args: [ABC] });

const teardown = (setupWorkflowId: string) =>
  w.client.workflow.execute('TeardownInterRegionPeering', {
    taskQueue: w.taskQueue,
    workflowId: uniqueId('cluster-teardown'),
    args: [{ setupWorkflowId }],
  }) as Promise<TeardownResult>;

/** What a completed setup must have left in moto: exactly one of each, all in place. */
async function expectExactlyOnce(setupId: string, result: PeeringResult): Promise<void> {
  const [requester, accepter] = await Promise.all(REGIONS.map((r) => taggedResources(r, setupId)));
  expect(requester!.vpcs).toEqual([result.requester.vpcId]);
  expect(accepter!.vpcs).toEqual([result.accepter.vpcId]);
  expect(requester!.securityGroups).toEqual([result.requester.securityGroupId]);
  expect(accepter!.securityGroups).toEqual([result.accepter.securityGroupId]);
  expect(requester!.livePeerings).toEqual([result.peeringConnectionId]);
  const pcx = await ec2(ABC.requester.region).send(
    new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [result.peeringConnectionId] }),
  );
  expect(pcx.VpcPeeringConnections?.[0]?.Status?.Code).toBe('active');
  for (const [region, side] of [
    [ABC.requester.region, result.requester],
    [ABC.accepter.region, result.accepter],
  ] as const) {
    expect((await routesVia(region, [result.peeringConnectionId])).length).toBe(side.routeTableIds.length);
  }
}

async function expectNothingLeft(setupId: string, pcx: string): Promise<void> {
  for (const region of REGIONS) {
    expect(countTagged(await taggedResources(region, setupId))).toBe(0);
    expect(await routesVia(region, [pcx])).toEqual([]);
  }
}

describe('GIVEN the Temporal server on PostgreSQL, three nodes in one ring', () => {
  test('WHEN it is described THEN it is the server the dev server embeds, on postgres12, with every node a history host and the search attributes registered', async () => {
    const connection = await Connection.connect({ address: cluster.address });
    try {
      const info = await connection.workflowService.getClusterInfo({});
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });

      expect(info.serverVersion).toBe(TEMPORAL_SERVER_VERSION);
      expect(info.persistenceStore).toBe('postgres12');
      expect(info.visibilityStore).toBe('postgres12');
      expect(await cluster.historyMembers()).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
      for (const name of ['PeeringConnectionId', 'RequesterRegion', 'AccepterRegion', 'DrillOutcome', 'SetupId']) {
        expect({ name, type: customAttributes?.[name] }).toEqual({ name, type: 2 /* KEYWORD */ });
      }
    } finally {
      await connection.close();
    }
  });

  test('WHEN the ABC Corp setup runs, then its teardown THEN moto holds exactly what the setup reports, and then nothing of it', async () => {
    const id = uniqueId('cluster-setup');

    const result = (await (await startSetup(id)).result()) as PeeringResult;

    expect(result.status).toBe('active');
    await expectExactlyOnce(id, result);
    const down = await teardown(id);
    expect(down.deleted.length).toBeGreaterThan(0);
    await expectNothingLeft(id, result.peeringConnectionId);
  });

  test('WHEN a failover runs THEN it promotes the replica and switches the record, as on the dev server', async () => {
    const moto = new MotoFailoverFixture(testEnv().motoUrl);
    const world = await moto.world();

    const report = (await w.client.workflow.execute('FailoverToRegion', {
      taskQueue: w.taskQueue,
      workflowId: uniqueId('cluster-failover'),
      args: [world.request],
    })) as FailoverReport;

    expect(report.outcome).toBe('completed');
    expect(await moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    expect(await moto.isPromoted(world.request.promoteReplica!.dbInstanceIdentifier)).toBe(true);
  });
});

/**
 * A workflow id whose history shard a node other than node 1 owns: each candidate is started on a
 * task queue no worker polls, looked up in the executions table and terminated before anything ran.
 */
async function idOwnedByAnotherNode(): Promise<{ workflowId: string; shard: number; owner: string }> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const workflowId = uniqueId('cluster-kill');
    const probe = await startSetup(workflowId, `probe-${workflowId}`);
    const rows = await cluster.postgres.query(
      'temporal',
      `SELECT shard_id FROM executions WHERE workflow_id = '${workflowId}'`,
    );
    await probe.terminate('probe: which node owns this id');
    const shard = Number(rows[0]?.[0]);
    const owner = (await cluster.shardOwners())[shard];
    if (owner && owner !== cluster.nodes[0]!.ip) return { workflowId, shard, owner };
  }
  throw new Error('no workflow id landed on a shard owned by node 2 or 3 in 40 tries');
}

describe('GIVEN a setup whose history shard node 2 or 3 owns, held 8 s in provisioning', () => {
  test('WHEN that node is SIGKILLed while the setup waits for the peering THEN its shards move, the run completes, and nothing is lost or duplicated', async () => {
    const { workflowId, shard, owner } = await idOwnedByAnotherNode();
    const victim = cluster.nodes.find((n) => n.ip === owner)!;
    proxy.setRules([{ kind: 'peering-provisioning', seconds: 8 }]);
    let handle: WorkflowHandle | undefined;
    try {
      handle = await startSetup(workflowId);
      await waitFor(async () => (await handle!.query<SetupProgress>('progress')).step === 'establish-peering', {
        what: `${workflowId} to reach establish-peering`,
        timeoutMs: 30_000,
      });

      // WHEN
      await victim.stop({ signal: 'SIGKILL' });

      // THEN the shard is taken over by a node still running
      await waitFor(async () => (await cluster.shardOwners())[shard] !== owner, {
        what: `shard ${shard} to leave ${owner}`,
        timeoutMs: 60_000,
        intervalMs: 500,
      });
      expect(['127.0.0.1', '127.0.0.2', '127.0.0.3'].filter((ip) => ip !== owner)).toContain(
        (await cluster.shardOwners())[shard],
      );
      // AND the run completes with one of everything, in place
      const result = (await handle.result()) as PeeringResult;
      expect(result.status).toBe('active');
      await expectExactlyOnce(workflowId, result);
      // AND its teardown still finds and removes all of it
      await teardown(workflowId);
      await expectNothingLeft(workflowId, result.peeringConnectionId);
    } finally {
      proxy.clearRules();
      await victim.restart();
    }
    // AND the node rejoins the ring
    await waitFor(async () => (await cluster.historyMembers()).includes(owner), {
      what: `${owner} back in the ring`,
      timeoutMs: 60_000,
    });
  }, 180_000);
});
