/**
 * A mesh when one pair fails (a fault injected by the proxy in front of moto) and when it is
 * cancelled midway: either way it is rolled back to nothing tagged. And a mesh longer than one
 * run's share of pairs, which continues as new and still completes with every pair.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { MeshProgress, MeshRequest, MeshResult } from '../../src/domain/mesh/types';

import { applicationFailureOf } from '../support/failures';
import { type FaultProxy } from '../../harness/fault-proxy';
import { startSuiteFaultProxy } from '../support/faithful/layer';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { expectRoutedExactly, meshLeftovers, startMesh } from '../support/mesh-state';

const REQUEST: MeshRequest = {
  vpcs: {
    a: {
      region: 'us-east-1',
      cidrBlock: '10.40.0.0/16',
      subnets: [{ cidrBlock: '10.40.1.0/24', availabilityZone: 'us-east-1a' }],
    },
    b: { region: 'eu-west-1', cidrBlock: '10.41.0.0/16' },
    c: { region: 'ap-northeast-1', cidrBlock: '10.42.0.0/16' },
  },
  topology: 'full-mesh',
  allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
};
const CIDRS = Object.values(REQUEST.vpcs).map((v) => v.cidrBlock!);

let proxy: FaultProxy;
let w: TestWorker;
beforeAll(async () => {
  proxy = await startSuiteFaultProxy({ seed: 13 });
  w = await startTestWorker({ endpoint: proxy.url });
});
afterAll(async () => {
  await w?.shutdown();
  await proxy?.close();
});
afterEach(() => proxy.clearRules());

async function waitFor(handle: WorkflowHandle, ok: (p: MeshProgress) => boolean): Promise<MeshProgress> {
  for (let i = 0; i < 300; i++) {
    const p = await handle.query<MeshProgress>('progress').catch(() => undefined);
    if (p && ok(p)) return p;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the mesh never got there');
}

test('GIVEN routes refused in ap-northeast-1 WHEN a mesh of 3 runs one pair at a time THEN the failing pair is named and the whole mesh is rolled back to nothing tagged', async () => {
  proxy.setRules([
    { action: 'CreateRoute', region: 'ap-northeast-1', kind: 'error', status: 403, code: 'UnauthorizedOperation' },
  ]);
  const meshId = uniqueId('mesh-fail');

  const failure = await applicationFailureOf((await startMesh(w, { ...REQUEST, maxConcurrent: 1 }, meshId)).result());

  expect(failure.type).toBe('MeshFailed');
  expect(failure.message).toContain('failed at step "pairs" (pair a ↔ c)');
  expect(failure.message).toContain('UnauthorizedOperation');
  expect(failure.message).toMatch(
    /Rollback: pairs: deleted [1-9]\d*, \d+ already gone; VPCs: deleted 4, 0 already gone\./,
  );
  proxy.clearRules();
  expect(await meshLeftovers(meshId, CIDRS)).toEqual([]);
  // The pair that completed was torn down by its own teardown run, a child of the mesh.
  const rollback = await w.client.workflow.getHandle(`${meshId}--a--b--rollback`).describe();
  expect({ type: rollback.type, parent: rollback.parentExecution?.workflowId, status: rollback.status.name }).toEqual({
    type: 'TeardownInterRegionPeering',
    parent: meshId,
    status: 'COMPLETED',
  });
});

test('GIVEN peerings held in provisioning WHEN the mesh is cancelled while its pairs run THEN every pair and VPC it made is removed', async () => {
  proxy.setRules([{ kind: 'peering-provisioning', seconds: 60 }]);
  const meshId = uniqueId('mesh-cancel');
  const handle = await startMesh(w, REQUEST, meshId);
  await waitFor(handle, (p) => p.step === 'pairs' && p.running.length === 3);
  await new Promise((r) => setTimeout(r, 2000));

  await handle.cancel();
  const failure = await applicationFailureOf(handle.result());

  expect(failure.type).toBe('MeshFailed');
  expect(failure.message).toContain('cancelled during step "pairs"');
  proxy.clearRules();
  expect(await meshLeftovers(meshId, CIDRS)).toEqual([]);
});

test('GIVEN pairsPerRun 1 WHEN a mesh of 3 runs THEN it continues as new twice, keeps its progress, and completes every pair', async () => {
  const meshId = uniqueId('mesh-long');
  const handle = await startMesh(w, { ...REQUEST, pairsPerRun: 1, maxConcurrent: 2 }, meshId);

  const result = (await handle.result()) as MeshResult;

  expect(result.peerings.map((p) => [p.between.join('-'), p.alreadyThere])).toEqual([
    ['a-b', false],
    ['a-c', false],
    ['b-c', false],
  ]);
  expect(result.created.filter((r) => r.type === 'vpc')).toHaveLength(3);
  for (const key of ['a', 'b', 'c']) await expectRoutedExactly(result, key);
  // Visibility trails the runs a little: read it until the last run shows as closed.
  let runs: string[] = [];
  for (let i = 0; i < 20 && !runs.includes('COMPLETED'); i++) {
    runs = [];
    for await (const run of w.client.workflow.list({ query: `WorkflowId = "${meshId}"` })) runs.push(run.status.name);
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(runs.sort()).toEqual(['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);
  const progress = await handle.query<MeshProgress>('progress');
  expect(progress).toEqual({ step: 'done', pairsDone: 3, pairsTotal: 3, running: [] });
  await w.client.workflow.execute('TeardownPeeringMesh', {
    taskQueue: w.taskQueue,
    workflowId: uniqueId('mesh-long-teardown'),
    args: [{ meshWorkflowId: meshId }],
  });
  expect(await meshLeftovers(meshId, CIDRS)).toEqual([]);
});
