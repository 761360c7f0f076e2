/**
 * One setup id is one network. A run under an id that already holds another network (other
 * CIDRs, VPCs or regions) fails with SetupConflict before any change, and deletes nothing of it.
 */
import type { PeeringRequest } from '../../src/domain/peering/types';
import { taggedResources, vpcSnapshot } from '../support/aws-state';
import { applicationFailureOf } from '../support/failures';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { mutatingCallsSince, runSetup, runTeardown, startSetup } from '../support/setup-runs';

const FIRST: PeeringRequest = {
  requester: { region: 'us-east-1', cidrBlock: '10.80.0.0/16', name: 'one-network-primary' },
  accepter: { region: 'eu-west-1', cidrBlock: '10.81.0.0/16', name: 'one-network-dr' },
  allow: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }],
};

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker();
});
afterAll(async () => {
  await w?.shutdown();
});

describe('GIVEN a completed setup under one workflow id', () => {
  const id = uniqueId('one-network');
  let pcx: string;
  let vpcs: { requester: string; accepter: string };
  let snapshot: () => Promise<unknown>;
  let before: unknown;

  beforeAll(async () => {
    const { result } = await runSetup(w, FIRST, id);
    pcx = result.peeringConnectionId;
    vpcs = { requester: result.requester.vpcId, accepter: result.accepter.vpcId };
    snapshot = async () => ({
      east: await taggedResources('us-east-1', id),
      west: await taggedResources('eu-west-1', id),
      requester: await vpcSnapshot('us-east-1', vpcs.requester),
      accepter: await vpcSnapshot('eu-west-1', vpcs.accepter),
    });
    before = await snapshot();
  });

  const refused = async (request: PeeringRequest) => {
    const from = w.calls.length;
    const failure = await applicationFailureOf((await startSetup(w, request, id)).result());
    return { failure, mutating: mutatingCallsSince(w, from) };
  };

  test.each<[string, PeeringRequest, RegExp]>([
    [
      'other CIDRs',
      {
        ...FIRST,
        requester: { ...FIRST.requester, cidrBlock: '10.82.0.0/16' },
        accepter: { ...FIRST.accepter, cidrBlock: '10.83.0.0/16' },
      },
      /requester VPC vpc-\w+ has 10\.80\.0\.0\/16, not 10\.82\.0\.0\/16/,
    ],
    ['another accepter region', { ...FIRST, accepter: { ...FIRST.accepter, region: 'eu-west-2' } }, /peering pcx-/],
    [
      'two other regions',
      {
        ...FIRST,
        requester: { ...FIRST.requester, region: 'us-east-2' },
        accepter: { ...FIRST.accepter, region: 'eu-west-2' },
      },
      /an earlier run left vpc-\w+.* in (us-east-1|eu-west-1)/,
    ],
  ])(
    'WHEN a run under the same id asks for %s THEN it fails with SetupConflict before any change, and the first network is untouched',
    async (_what, request, names) => {
      const { failure, mutating } = await refused(request);
      expect({ type: failure.type, nonRetryable: failure.nonRetryable }).toEqual({
        type: 'SetupConflict',
        nonRetryable: true,
      });
      expect(failure.message).toContain(`setup id ${id} already holds another network`);
      expect(failure.message).toMatch(names);
      expect(failure.message).toContain('Nothing was changed');
      expect(mutating).toEqual([]);
      expect(await snapshot()).toEqual(before);
    },
  );

  test('WHEN the same request runs again under the id THEN it adopts the network it made, changing nothing', async () => {
    const from = w.calls.length;
    const again = await runSetup(w, FIRST, id);
    expect(again.result.peeringConnectionId).toBe(pcx);
    expect(mutatingCallsSince(w, from)).toEqual([]);
  });

  test('WHEN the first network is torn down THEN the id may hold another network', async () => {
    await runTeardown(w, { setupWorkflowId: id });
    const other = {
      ...FIRST,
      requester: { ...FIRST.requester, cidrBlock: '10.84.0.0/16' },
      accepter: { ...FIRST.accepter, cidrBlock: '10.85.0.0/16' },
    };
    const { result } = await runSetup(w, other, id);
    expect(result.requester.cidrBlock).toBe('10.84.0.0/16');
    await runTeardown(w, { setupWorkflowId: id });
  });
});
