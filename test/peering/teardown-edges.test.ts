/**
 * Teardown where AWS is less kind than moto: the peering already purged from AWS's lists (moto
 * keeps listing a deleted one), and a teardown started while its setup still runs.
 */
import { DescribeNetworkAclsCommand } from '@aws-sdk/client-ec2';
import type { PeeringResult, SetupProgress } from '../../src/domain/peering/types';
import { countTagged, routesVia, taggedResources, vpcSnapshot } from '../support/aws-state';

import { applicationFailureOf } from '../support/failures';
import { type FaultProxy } from '../../harness/fault-proxy';
import { startSuiteFaultProxy } from '../support/faithful/layer';
import { ec2, startTestWorker, type TestWorker } from '../support/harness';
import { waitFor } from '../../harness/stack';
import {
  existingVpc,
  mutatingCallsSince,
  runSetup,
  runTeardown,
  startSetup,
  startTeardown,
  waitForStep,
} from '../support/setup-runs';

let proxy: FaultProxy;
let w: TestWorker;
beforeAll(async () => {
  proxy = await startSuiteFaultProxy({ seed: 16 });
  w = await startTestWorker({ endpoint: proxy.url });
});
afterAll(async () => {
  await w?.shutdown();
  await proxy?.close();
});
afterEach(() => proxy.clearRules());

async function setupEntries(vpcId: string): Promise<string[]> {
  const out = await ec2('eu-west-1').send(
    new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
  );
  return (out.NetworkAcls ?? [])
    .filter((a) => a.VpcId === vpcId)
    .flatMap((a) => [
      ...(a.Entries ?? [])
        .filter((e) => e.RuleNumber === 900 || e.RuleNumber === 901)
        .map((e) => `entry ${e.RuleNumber}`),
      ...(a.Tags ?? []).filter((t) => t.Key?.startsWith('vpc-peering:')).map((t) => `tag ${t.Key}`),
    ]);
}

describe('GIVEN a setup into an existing eu-west-1 VPC, and a first teardown that could not delete its route there', () => {
  let vpcId: string;
  let before: string[];
  let id: string;
  let result: PeeringResult;

  beforeAll(async () => {
    vpcId = await existingVpc('eu-west-1', '10.75.0.0/16');
    before = await vpcSnapshot('eu-west-1', vpcId);
    ({ id, result } = await runSetup(w, {
      requester: { region: 'us-east-1', cidrBlock: '10.74.0.0/16' },
      accepter: { region: 'eu-west-1', vpcId },
      allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
    }));
    proxy.setRules([
      { action: 'DeleteRoute', region: 'eu-west-1', kind: 'error', status: 403, code: 'UnauthorizedOperation' },
      {
        action: 'DeleteNetworkAclEntry',
        region: 'eu-west-1',
        kind: 'error',
        status: 403,
        code: 'UnauthorizedOperation',
      },
    ]);
    const first = await applicationFailureOf((await startTeardown(w, { setupWorkflowId: id })).result());
    expect(first.type).toBe('TeardownIncomplete');
  });

  test('WHEN AWS no longer lists the deleted peering and teardown runs again THEN it removes the route and NACL entries left in that VPC', async () => {
    expect(await routesVia('eu-west-1', [result.peeringConnectionId])).toHaveLength(
      result.accepter.routeTableIds.length,
    );
    expect(await setupEntries(vpcId)).not.toEqual([]);
    proxy.setRules([{ kind: 'peering-purged' }]);

    const second = await runTeardown(w, { setupWorkflowId: id });

    expect(proxy.stats().injected['peering-purged']).toBeGreaterThan(0);
    expect(second.deleted.map((r) => r.type)).toEqual(expect.arrayContaining(['route', 'network-acl-entry']));
    expect(await routesVia('eu-west-1', [result.peeringConnectionId])).toEqual([]);
    expect(await setupEntries(vpcId)).toEqual([]);
    expect(await vpcSnapshot('eu-west-1', vpcId)).toEqual(before);
    expect(await runTeardown(w, { setupWorkflowId: id })).toEqual({ deleted: [], alreadyGone: [] });
  });
});

describe('GIVEN a setup still running (its peering held in provisioning)', () => {
  test('WHEN a teardown is started, by setup id or by peering id, THEN it refuses with SetupStillRunning and changes nothing', async () => {
    proxy.setRules([{ kind: 'peering-provisioning', seconds: 120 }]);
    proxy.resetStats();
    const setup = await startSetup(w, {
      requester: { region: 'us-east-1', cidrBlock: '10.76.0.0/16' },
      accepter: { region: 'eu-west-1', cidrBlock: '10.77.0.0/16' },
      allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
    });
    await waitForStep(setup, 'establish-peering');
    // Accepted and now only polled: from here on the setup makes no change until it is active.
    await waitFor(() => (proxy.stats().injected['peering-provisioning'] ?? 0) > 0, {
      what: 'the setup to wait on a provisioning peering',
      timeoutMs: 30_000,
    });
    const pcx = (await setup.query<SetupProgress>('progress')).created.find((r) => r.type === 'peering-connection')!;
    const from = w.calls.length;

    const bySetup = await applicationFailureOf(
      (await startTeardown(w, { setupWorkflowId: setup.workflowId })).result(),
    );
    const byPeering = await applicationFailureOf(
      (
        await startTeardown(w, {
          peeringConnectionId: pcx.id,
          requesterRegion: 'us-east-1',
          accepterRegion: 'eu-west-1',
        })
      ).result(),
    );

    for (const refused of [bySetup, byPeering]) {
      expect({ type: refused.type, nonRetryable: refused.nonRetryable }).toEqual({
        type: 'SetupStillRunning',
        nonRetryable: true,
      });
      expect(refused.message).toContain(`setup ${setup.workflowId} is still running`);
      expect(refused.message).toMatch(/Wait until it ends, or cancel it/);
    }
    expect(mutatingCallsSince(w, from)).toEqual([]);
    await setup.cancel();
    await setup.result().catch(() => undefined);
  });
});

describe('GIVEN a setup whose security groups AWS does not list by tag yet', () => {
  test('WHEN torn down at once THEN it finds the groups by the ids the setup recorded, and leaves nothing tagged', async () => {
    // The chaos run behind the layer met this: a group made by a retried side-rules attempt moments
    // before the setup completed was missing from the teardown's tag search, and DeleteVpc failed.
    proxy.setRules([{ kind: 'tag-lag', action: 'CreateSecurityGroup', seconds: 120 }]);
    const { id, result } = await runSetup(w, {
      requester: { region: 'us-east-1', cidrBlock: '10.76.0.0/16' },
      accepter: { region: 'eu-west-1', cidrBlock: '10.77.0.0/16' },
      allow: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }],
    });
    const groups = result.created.filter((r) => r.type === 'security-group').map((r) => r.id);
    expect(groups).toHaveLength(2);

    const removed = await runTeardown(w, { setupWorkflowId: id });

    expect(
      removed.deleted
        .filter((r) => r.type === 'security-group')
        .map((r) => r.id)
        .sort(),
    ).toEqual(groups.sort());
    expect(proxy.stats().injected['tag-lag']).toBeGreaterThan(0);
    const left = await Promise.all(['us-east-1', 'eu-west-1'].map((region) => taggedResources(region, id)));
    expect(left.map(countTagged)).toEqual([0, 0]);
  });
});
