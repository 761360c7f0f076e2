/**
 * The visibility queries the README gives operators, run against the real dev server: the search
 * attributes the workflows upsert find their runs.
 */
import type { Client } from '@temporalio/client';
import type { PeeringRequest, PeeringResult } from '../../src/domain/peering/types';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { waitFor } from '../../harness/stack';

const REQUEST: PeeringRequest = {
  requester: { region: 'us-east-1', cidrBlock: '10.80.0.0/16', name: 'vis-primary' },
  accepter: { region: 'eu-west-1', cidrBlock: '10.81.0.0/16', name: 'vis-dr' },
  allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
};

let w: TestWorker;
let setupId: string;
let teardownId: string;
let pcx: string;

beforeAll(async () => {
  w = await startTestWorker();
  setupId = uniqueId('vis-setup');
  teardownId = uniqueId('vis-teardown');
  const result = (await w.client.workflow.execute('SetupInterRegionPeering', {
    taskQueue: w.taskQueue,
    workflowId: setupId,
    args: [REQUEST],
  })) as PeeringResult;
  pcx = result.peeringConnectionId;
  await w.client.workflow.execute('TeardownInterRegionPeering', {
    taskQueue: w.taskQueue,
    workflowId: teardownId,
    args: [{ setupWorkflowId: setupId }],
  });
});
afterAll(async () => {
  await w?.shutdown();
});

/** Workflow ids the query finds, once visibility has caught up with `expected` of them. */
async function find(client: Client, query: string, expected: number): Promise<string[]> {
  let ids: string[] = [];
  await waitFor(
    async () => {
      ids = [];
      for await (const run of client.workflow.list({ query })) ids.push(run.workflowId);
      return ids.length >= expected;
    },
    { what: `visibility query ${query} to find ${expected} run(s)`, timeoutMs: 15_000, intervalMs: 500 },
  ).catch(() => undefined);
  return ids.sort();
}

describe('visibility queries from the README', () => {
  it('GIVEN a setup and its teardown WHEN runs are listed by PeeringConnectionId THEN both are found, and only they', async () => {
    expect(await find(w.client, `PeeringConnectionId="${pcx}"`, 2)).toEqual([setupId, teardownId].sort());
  });

  it('GIVEN the same runs WHEN listed by type and regions THEN the setup is found by its type and both by the region pair', async () => {
    const regions = `RequesterRegion="us-east-1" AND AccepterRegion="eu-west-1" AND WorkflowId STARTS_WITH "vis-"`;

    expect(
      await find(w.client, `WorkflowType="SetupInterRegionPeering" AND ${regions} AND WorkflowId="${setupId}"`, 1),
    ).toEqual([setupId]);
    expect(await find(w.client, `${regions} AND PeeringConnectionId="${pcx}"`, 2)).toEqual(
      [setupId, teardownId].sort(),
    );
  });
});
