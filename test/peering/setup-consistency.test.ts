/**
 * AWS is eventually consistent where moto is not: a resource just created answers NotFound for a
 * while, and filtered Describes do not list it yet. The setup retries such writes within a bound,
 * waits out tag lag before creating again, never takes a timed-out wait for success, and its
 * composite activities heartbeat.
 */
import { CreateVpcCommand, CreateVpcPeeringConnectionCommand } from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import { WaiterState } from '@smithy/util-waiter';
import { waitForPeering } from '../../src/activities/ec2/peering-connection';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { taggedResources } from '../support/aws-state';

import { type FaultProxy, type FaultRule } from '../../harness/fault-proxy';
import { startSuiteFaultProxy } from '../support/faithful/layer';
import { ec2, startTestWorker, type TestWorker } from '../support/harness';
import { runSetup, runTeardown } from '../support/setup-runs';

let proxy: FaultProxy;
let w: TestWorker;
beforeAll(async () => {
  proxy = await startSuiteFaultProxy({ seed: 3 });
  w = await startTestWorker({ endpoint: proxy.url });
});
afterAll(async () => {
  await w?.shutdown();
  await proxy?.close();
});
afterEach(() => proxy.clearRules());

const request = (octet: number): PeeringRequest => ({
  requester: {
    region: 'us-east-1',
    cidrBlock: `10.${octet}.0.0/16`,
    subnets: [{ cidrBlock: `10.${octet}.1.0/24`, availabilityZone: 'us-east-1a' }],
  },
  accepter: { region: 'eu-west-1', cidrBlock: `10.${octet + 1}.0.0/16` },
  allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
});

const notFound = (action: string, code: string, region: string, count = 1): FaultRule => ({
  action,
  region,
  kind: 'error',
  status: 400,
  code,
  message: 'does not exist (eventual consistency)',
  count,
});

describe('GIVEN writes right after a create answered NotFound for the resource just created', () => {
  test('WHEN the setup runs THEN each write is retried until AWS sees the resource, and the setup completes', async () => {
    const rules = [
      notFound('CreateSubnet', 'InvalidVpcID.NotFound', 'us-east-1'),
      notFound('ModifyVpcAttribute', 'InvalidVpcID.NotFound', 'eu-west-1'),
      notFound('CreateVpcPeeringConnection', 'InvalidVpcID.NotFound', 'us-east-1'),
      notFound('ModifyVpcPeeringConnectionOptions', 'InvalidVpcPeeringConnectionID.NotFound', 'eu-west-1'),
      notFound('CreateRoute', 'InvalidVpcPeeringConnectionID.NotFound', 'eu-west-1'),
      notFound('AuthorizeSecurityGroupIngress', 'InvalidGroup.NotFound', 'eu-west-1', 2),
      notFound('RevokeSecurityGroupEgress', 'InvalidGroup.NotFound', 'us-east-1'),
      notFound('CreateNetworkAclEntry', 'InvalidNetworkAclID.NotFound', 'us-east-1'),
    ];
    proxy.setRules(rules);
    proxy.resetStats();
    const { id, result } = await runSetup(w, request(92));
    expect(result.status).toBe('active');
    expect(proxy.stats().injected.error).toBe(rules.length + 1);
    proxy.clearRules();
    await runTeardown(w, { setupWorkflowId: id });
  });
});

describe('GIVEN the first CreateVpc and CreateVpcPeeringConnection lose their answers, and AWS lists neither by tag for 4 s', () => {
  test('WHEN the setup retries THEN it waits out the lag, finds what it made, and makes no second VPC or peering', async () => {
    proxy.setRules([
      { action: 'CreateVpc', kind: 'lose-response', count: 2 },
      { action: 'CreateVpcPeeringConnection', kind: 'lose-response', count: 1 },
      { kind: 'tag-lag', seconds: 4 },
    ]);
    proxy.resetStats();
    const { id, result } = await runSetup(w, request(94));
    const stats = proxy.stats();
    expect(stats.injected['lose-response']).toBe(3);
    expect(stats.injected['tag-lag']).toBeGreaterThan(0);
    expect(stats.byAction.CreateVpc).toBe(2);
    expect(stats.byAction.CreateVpcPeeringConnection).toBe(1);
    expect((await taggedResources('us-east-1', id)).vpcs).toEqual([result.requester.vpcId]);
    expect((await taggedResources('eu-west-1', id)).vpcs).toEqual([result.accepter.vpcId]);
    expect((await taggedResources('us-east-1', id)).livePeerings).toEqual([result.peeringConnectionId]);
    proxy.clearRules();
    await runTeardown(w, { setupWorkflowId: id });
  });
});

describe('GIVEN a completed setup', () => {
  test('THEN every composite activity was scheduled with a heartbeat timeout, so a lost worker is noticed within 45 s, and retries that end by time, not by attempts', async () => {
    const { id } = await runSetup(w, request(96));
    const history = await w.client.workflow.getHandle(id).fetchHistory();
    const scheduled = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a !== undefined && a !== null)
      .map((a) => ({
        type: a.activityType?.name,
        heartbeat: Number(a.heartbeatTimeout?.seconds ?? 0),
        budget: {
          attempts: a.retryPolicy?.maximumAttempts ?? 0,
          seconds: Number(a.scheduleToCloseTimeout?.seconds ?? 0),
        },
      }));
    const composite = ['ensureVpc', 'requestPeering', 'establishPeering', 'ensureSideRules', 'checkSetupConflict'];
    expect(new Set(scheduled.map((s) => s.type))).toEqual(new Set(composite));
    for (const s of scheduled) {
      expect({ type: s.type, heartbeats: s.heartbeat > 0 && s.heartbeat <= 45 }).toEqual({
        type: s.type,
        heartbeats: true,
      });
    }
    // Attempts lost with a killed worker must not use up a composite's retries: they end by time.
    for (const s of scheduled.filter((x) => x.type !== 'establishPeering')) {
      expect({ type: s.type, budget: s.budget }).toEqual({ type: s.type, budget: { attempts: 0, seconds: 1800 } });
    }
    await runTeardown(w, { setupWorkflowId: id });
  });
});

describe('GIVEN a peering that never reaches the state a wait is for', () => {
  test('WHEN the wait runs out of time THEN it fails the attempt (retryable WaitTimedOut), never passing for success', async () => {
    const client = ec2('us-east-1');
    const [a, b] = await Promise.all([
      client.send(new CreateVpcCommand({ CidrBlock: '10.98.0.0/16' })),
      ec2('eu-west-1').send(new CreateVpcCommand({ CidrBlock: '10.99.0.0/16' })),
    ]);
    const pcx = (
      await client.send(
        new CreateVpcPeeringConnectionCommand({
          VpcId: a.Vpc!.VpcId,
          PeerVpcId: b.Vpc!.VpcId,
          PeerRegion: 'eu-west-1',
        }),
      )
    ).VpcPeeringConnection!.VpcPeeringConnectionId!;

    const outcome = await waitForPeering(client, pcx, 2, () => WaiterState.RETRY).then(
      () => 'resolved',
      (err: unknown) => err,
    );

    expect(outcome).toBeInstanceOf(ApplicationFailure);
    expect(outcome).toMatchObject({ type: 'WaitTimedOut', nonRetryable: false });
    expect((outcome as Error).message).toMatch(new RegExp(`${pcx} was still pending-acceptance after 2 s`));
  });
});
