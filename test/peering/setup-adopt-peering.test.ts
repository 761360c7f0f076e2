/**
 * Adopting a peering made elsewhere (`peeringConnectionId`): the setup checks it is active between
 * the two given VPCs, adds only routes, groups and NACL entries, never changes the peering itself,
 * and teardown leaves it active and says so.
 */
import { DescribeVpcPeeringConnectionsCommand } from '@aws-sdk/client-ec2';
import type { PeeringRequest, PeeringResult, SetupProgress } from '../../src/domain/peering/types';
import { ec2In } from '../support/accounts';
import { routesVia, vpcSnapshot } from '../support/aws-state';
import { SETUP_EC2_WRITES } from '../../harness/ec2-writes';
import { applicationFailureOf } from '../support/failures';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { existingNetwork, groupRules, peeringMadeOutside, routesOf } from '../support/real-networks';
import { mutatingCallsSince, runSetup, runTeardown, startSetup } from '../support/setup-runs';

const HTTPS: PeeringRequest['allow'] = [{ protocol: 'tcp', fromPort: 443, toPort: 443 }];
const NOT_WHEN_ADOPTING: string[] = [
  'CreateVpc',
  'ModifyVpcAttribute',
  'CreateSubnet',
  'CreateVpcPeeringConnection',
  'AcceptVpcPeeringConnection',
  'ModifyVpcPeeringConnectionOptions',
];

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker();
});
afterAll(async () => {
  await w?.shutdown();
});

async function peering(pcx: string) {
  const out = await ec2In('us-east-1').send(
    new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }),
  );
  return out.VpcPeeringConnections?.find((p) => p.VpcPeeringConnectionId === pcx);
}

describe('GIVEN two existing VPCs peered by the network team (active, not tagged by any setup)', () => {
  let sides: { requester: { region: string; vpcId: string }; accepter: { region: string; vpcId: string } };
  let pcx: string;
  let before: { requester: string[]; accepter: string[]; peering: unknown };
  const request = (): PeeringRequest => ({
    requester: sides.requester,
    accepter: sides.accepter,
    allow: HTTPS,
    peeringConnectionId: pcx,
  });
  const snapshot = async () => ({
    requester: await vpcSnapshot('us-east-1', sides.requester.vpcId),
    accepter: await vpcSnapshot('eu-west-1', sides.accepter.vpcId),
    peering: await peering(pcx),
  });

  beforeAll(async () => {
    const [a, b] = await Promise.all([
      existingNetwork({ region: 'us-east-1', cidrBlock: '10.170.0.0/16' }),
      existingNetwork({ region: 'eu-west-1', cidrBlock: '10.171.0.0/16' }),
    ]);
    sides = { requester: { region: 'us-east-1', vpcId: a.vpcId }, accepter: { region: 'eu-west-1', vpcId: b.vpcId } };
    pcx = await peeringMadeOutside(sides.requester, sides.accepter);
    before = await snapshot();
  });

  test.each(['setupWorkflowId', 'peeringConnectionId'] as const)(
    'WHEN adopted THEN only routes, groups and NACL entries are added; WHEN torn down by %s THEN the peering stays active and the VPCs are as before',
    async (by) => {
      const id = uniqueId('adopt');
      const from = w.calls.length;
      const handle = await startSetup(w, request(), id);
      const result = (await handle.result()) as PeeringResult;
      const progress = await handle.query<SetupProgress>('progress');

      expect({ pcx: result.peeringConnectionId, adopted: result.peeringAdopted }).toEqual({ pcx, adopted: true });
      expect(progress.completed).not.toContain('request-peering');
      expect(progress.created.filter((r) => r.type === 'peering-connection' || r.type === 'vpc')).toEqual([]);
      const mutating = mutatingCallsSince(w, from).map((c) => c.split(' ')[1]);
      // A setup's writes, without any to a VPC, a subnet or the peering itself.
      expect(new Set(mutating)).toEqual(new Set(SETUP_EC2_WRITES.filter((op) => !NOT_WHEN_ADOPTING.includes(op))));
      for (const routes of Object.values(await routesOf('us-east-1', result.requester.routeTableIds)))
        expect(routes).toContain(`10.171.0.0/16 → ${pcx}`);
      expect(await groupRules('eu-west-1', result.accepter.securityGroupId)).toEqual([
        'in tcp 443-443 10.170.0.0/16',
        'out tcp 443-443 10.170.0.0/16',
      ]);

      const teardown = await runTeardown(
        w,
        by === 'setupWorkflowId'
          ? { setupWorkflowId: id }
          : { peeringConnectionId: pcx, requesterRegion: 'us-east-1', accepterRegion: 'eu-west-1' },
      );
      expect(teardown.keptPeering).toEqual({
        peeringConnectionId: pcx,
        region: 'us-east-1',
        reason: expect.stringContaining('teardown never deletes it'),
      });
      expect(teardown.deleted.filter((r) => r.type === 'peering-connection')).toEqual([]);
      expect(teardown.deleted.length).toBeGreaterThan(0);
      expect(await routesVia('us-east-1', [pcx])).toEqual([]);
      expect(await snapshot()).toEqual(before);
      expect((await peering(pcx))?.Status?.Code).toBe('active');
    },
  );

  test('WHEN a second setup id adopts a peering another setup holds THEN it fails with SetupConflict before any change', async () => {
    const first = uniqueId('adopt-first');
    await runSetup(w, request(), first);
    const from = w.calls.length;
    const failure = await applicationFailureOf((await startSetup(w, request(), uniqueId('adopt-second'))).result());
    expect({ type: failure.type, nonRetryable: failure.nonRetryable }).toEqual({
      type: 'SetupConflict',
      nonRetryable: true,
    });
    expect(failure.message).toContain(`${pcx} is already adopted by setup ${first}`);
    expect(mutatingCallsSince(w, from)).toEqual([]);
    await runTeardown(w, { setupWorkflowId: first });
    expect(await snapshot()).toEqual(before);
  });

  test('WHEN the peering named joins other VPCs THEN it is bad input naming peeringConnectionId, before any change', async () => {
    const { vpcId } = await existingNetwork({ region: 'eu-west-1', cidrBlock: '10.172.0.0/16' });
    const from = w.calls.length;
    const failure = await applicationFailureOf(
      (await startSetup(w, { ...request(), accepter: { region: 'eu-west-1', vpcId } })).result(),
    );
    expect(failure.type).toBe('InvalidPeeringRequest');
    expect(failure.message).toMatch(new RegExp(`^peeringConnectionId: ${pcx} joins .*, not `));
    expect(mutatingCallsSince(w, from)).toEqual([]);
  });

  test('WHEN its requester and accepter are given the other way round THEN the failure says to swap them', async () => {
    const failure = await applicationFailureOf(
      (
        await startSetup(w, {
          ...request(),
          requester: { ...sides.accepter },
          accepter: { ...sides.requester },
        })
      ).result(),
    );
    expect(failure.message).toContain('swap requester and accepter');
  });
});

test('GIVEN a peering still pending acceptance WHEN adopted THEN it is bad input: only an active peering is adopted', async () => {
  const [a, b] = await Promise.all([
    existingNetwork({ region: 'us-east-1', cidrBlock: '10.173.0.0/16' }),
    existingNetwork({ region: 'eu-west-1', cidrBlock: '10.174.0.0/16' }),
  ]);
  const requester = { region: 'us-east-1', vpcId: a.vpcId };
  const accepter = { region: 'eu-west-1', vpcId: b.vpcId };
  const pcx = await peeringMadeOutside(requester, accepter, false);
  const from = w.calls.length;
  const failure = await applicationFailureOf(
    (await startSetup(w, { requester, accepter, allow: HTTPS, peeringConnectionId: pcx })).result(),
  );
  expect(failure.message).toBe(
    `peeringConnectionId: ${pcx} is pending-acceptance, not active; accept it first (a setup adopts only an active peering)`,
  );
  expect(mutatingCallsSince(w, from)).toEqual([]);
  expect((await peering(pcx))?.Status?.Code).toBe('pending-acceptance');
});
