/**
 * The setup under AWS faults that moto never produces, injected by the proxy in front of it:
 * a failure at every step, cancellation mid-run, and responses lost after AWS did the work.
 */
import { type WorkflowHandle } from '@temporalio/client';
import type { PeeringRequest, PeeringResult, SetupProgress, TeardownResult } from '../../src/domain/peering/types';
import { countTagged, routesVia, taggedResources } from '../support/aws-state';
import { SETUP_EC2_WRITES } from '../../harness/ec2-writes';

import { applicationFailureOf } from '../support/failures';
import { type FaultProxy, type FaultRule } from '../../harness/fault-proxy';
import { startSuiteFaultProxy } from '../support/faithful/layer';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { twoRegionRequest } from '../support/requests';
import { waitForStep } from '../support/setup-runs';

const REQUEST: PeeringRequest = twoRegionRequest('faults', 30, [
  { protocol: 'tcp', fromPort: 5432, toPort: 5432, description: 'PostgreSQL replication' },
]);

const denied = (action: string, region?: string, count?: number): FaultRule => ({
  action,
  kind: 'error',
  status: 403,
  code: 'UnauthorizedOperation',
  message: 'You are not authorized to perform this operation.',
  ...(region ? { region } : {}),
  ...(count ? { count } : {}),
});

let proxy: FaultProxy;
let w: TestWorker;
beforeAll(async () => {
  proxy = await startSuiteFaultProxy({ seed: 7 });
  w = await startTestWorker({ endpoint: proxy.url });
});
afterAll(async () => {
  await w?.shutdown();
  await proxy?.close();
});
afterEach(() => proxy.clearRules());

function start(request: PeeringRequest = REQUEST): Promise<WorkflowHandle> {
  return w.client.workflow.start('SetupInterRegionPeering', {
    taskQueue: w.taskQueue,
    workflowId: uniqueId('faulty-setup'),
    args: [request],
  });
}

async function expectNothingLeft(setupId: string, peerings: string[]): Promise<void> {
  for (const region of ['us-east-1', 'eu-west-1']) {
    expect({ region, left: await taggedResources(region, setupId) }).toEqual({
      region,
      left: { vpcs: [], subnets: [], securityGroups: [], livePeerings: [] },
    });
    expect(await routesVia(region, peerings)).toEqual([]);
  }
}

describe('GIVEN a fault injected at each step in turn', () => {
  const cases: Array<{ step: string; rules: FaultRule[]; armAt?: string }> = [
    { step: 'vpcs', rules: [denied('CreateVpc', 'eu-west-1')] },
    { step: 'request-peering', rules: [denied('CreateVpcPeeringConnection')] },
    { step: 'accept-peering', rules: [denied('AcceptVpcPeeringConnection')] },
    // Held in provisioning long enough to arm a one-shot fault on the active-wait's first poll.
    { step: 'wait-active', rules: [{ kind: 'peering-provisioning', seconds: 30 }], armAt: 'establish-peering' },
    { step: 'dns', rules: [denied('ModifyVpcPeeringConnectionOptions', 'eu-west-1')] },
    { step: 'routes', rules: [denied('CreateRoute', 'eu-west-1')] },
    { step: 'security-groups', rules: [denied('AuthorizeSecurityGroupIngress', 'eu-west-1')] },
    { step: 'network-acls', rules: [denied('CreateNetworkAclEntry', 'eu-west-1')] },
  ];

  test.each(cases)(
    'WHEN step $step fails THEN the failure names it and rollback leaves nothing tagged in either region',
    async ({ step, rules, armAt }) => {
      proxy.setRules(rules);
      const handle = await start();
      if (armAt) {
        await waitForStep(handle, armAt);
        proxy.addRule(denied('DescribeVpcPeeringConnections', 'us-east-1', 1));
      }
      const failure = await applicationFailureOf(handle.result());
      expect(failure.type).toBe('SetupFailed');
      expect(failure.message).toContain(`step "${step}"`);
      expect(failure.message).toMatch(/UnauthorizedOperation/);
      expect(failure.message).toMatch(/Rollback deleted \d+/);
      expect(failure.message).not.toMatch(/FAILED/);
      const progress = await handle.query<SetupProgress>('progress');
      const peerings = progress.created.filter((r) => r.type === 'peering-connection').map((r) => r.id);
      if (step !== 'vpcs' && step !== 'request-peering') expect(peerings).toHaveLength(1);
      await expectNothingLeft(handle.workflowId, peerings);
    },
  );
});

describe('GIVEN a run waiting for its peering to become active', () => {
  test('WHEN it is cancelled THEN it rolls back and fails naming the step, leaving nothing tagged', async () => {
    proxy.setRules([{ kind: 'peering-provisioning', seconds: 120 }]);
    const handle = await start();
    await waitForStep(handle, 'establish-peering');
    await handle.cancel();
    const failure = await applicationFailureOf(handle.result());
    expect(failure.type).toBe('SetupFailed');
    expect(failure.message).toContain('cancelled during step "establish-peering"');
    expect(failure.message).toMatch(/Rollback deleted \d+/);
    const progress = await handle.query<SetupProgress>('progress');
    const peerings = progress.created.filter((r) => r.type === 'peering-connection').map((r) => r.id);
    expect(peerings).toHaveLength(1);
    await expectNothingLeft(handle.workflowId, peerings);
  });
});

describe('GIVEN every mutating EC2 call loses its first response after AWS did the work', () => {
  test('WHEN the setup runs THEN it completes with exactly one of each resource, and teardown leaves nothing', async () => {
    const writes = SETUP_EC2_WRITES;
    proxy.setRules(writes.map((action) => ({ action, kind: 'lose-response', count: 1 })));
    const handle = await start();
    const result = (await handle.result()) as PeeringResult;
    expect(proxy.stats().injected['lose-response']).toBe(writes.length);

    const east = await taggedResources('us-east-1', handle.workflowId);
    const west = await taggedResources('eu-west-1', handle.workflowId);
    expect(east).toEqual({
      vpcs: [result.requester.vpcId],
      subnets: [expect.stringMatching(/^subnet-/)],
      securityGroups: [result.requester.securityGroupId],
      livePeerings: [result.peeringConnectionId],
    });
    // moto lists the requester's peering, tags and all, in the accepter region too; AWS may not.
    expect(west).toEqual({
      vpcs: [result.accepter.vpcId],
      subnets: [],
      securityGroups: [result.accepter.securityGroupId],
      livePeerings: west.livePeerings.length ? [result.peeringConnectionId] : [],
    });

    proxy.clearRules();
    const down = (await w.client.workflow.execute('TeardownInterRegionPeering', {
      taskQueue: w.taskQueue,
      workflowId: uniqueId('teardown'),
      args: [{ setupWorkflowId: handle.workflowId }],
    })) as TeardownResult;
    expect(down.deleted.length).toBeGreaterThan(0);
    expect(
      countTagged(await taggedResources('us-east-1', handle.workflowId)) +
        countTagged(await taggedResources('eu-west-1', handle.workflowId)),
    ).toBe(0);
  });
});

describe('GIVEN the accepter region does not see the peering for 4 s, and it then provisions for 4 s', () => {
  test('WHEN the setup runs THEN it waits both out and completes, having been told NotFound and provisioning', async () => {
    proxy.setRules([
      { kind: 'peering-not-found', seconds: 4 },
      { kind: 'peering-provisioning', seconds: 4 },
    ]);
    proxy.resetStats();
    const handle = await start();
    const result = (await handle.result()) as PeeringResult;
    expect(result.status).toBe('active');
    expect(proxy.stats().injected['peering-not-found']).toBeGreaterThan(0);
    expect(proxy.stats().injected['peering-provisioning']).toBeGreaterThan(0);
    proxy.clearRules();
    await w.client.workflow.execute('TeardownInterRegionPeering', {
      taskQueue: w.taskQueue,
      workflowId: uniqueId('teardown'),
      args: [{ setupWorkflowId: handle.workflowId }],
    });
  });
});

describe('GIVEN the peering goes to failed (as AWS does for overlapping CIDRs)', () => {
  test('WHEN the setup runs THEN it fails without retrying forever, naming PeeringFailed, and rolls back', async () => {
    proxy.setRules([{ kind: 'peering-failed' }]);
    const handle = await start();
    const failure = await applicationFailureOf(handle.result());
    expect(failure.message).toMatch(/PeeringFailed/);
    expect(failure.message).toMatch(/step "accept-peering"/);
    const progress = await handle.query<SetupProgress>('progress');
    await expectNothingLeft(
      handle.workflowId,
      progress.created.filter((r) => r.type === 'peering-connection').map((r) => r.id),
    );
  });
});
