/**
 * A plain setup with both sides in one region: an intra-region peering (no PeerRegion), and every
 * part that tells the sides apart (inventory, cleanup, the drill's inspection and drift repair)
 * still telling them apart when their region is the same.
 */
import {
  DeleteNetworkAclEntryCommand,
  DeleteRouteCommand,
  DescribeNetworkAclsCommand,
  DescribeVpcPeeringConnectionsCommand,
} from '@aws-sdk/client-ec2';
import { createActivities, createAwsClients } from '../../src/activities';
import type { PeeringRequest, PeeringResult, TeardownResult } from '../../src/domain/peering/types';
import { countTagged, routesVia, taggedResources } from '../support/aws-state';
import { testEnv } from '../support/env';
import { CREDENTIALS, ec2, startTestWorker, uniqueId, type TestWorker } from '../support/harness';

const REQUEST: PeeringRequest = {
  requester: { region: 'us-east-1', cidrBlock: '10.170.0.0/16', name: 'app' },
  accepter: { region: 'us-east-1', cidrBlock: '10.171.0.0/16', name: 'shared-services' },
  allow: [
    { protocol: 'tcp', fromPort: 5432, toPort: 5432 },
    { protocol: 'tcp', fromPort: 443, toPort: 443 },
  ],
};

let w: TestWorker;
const acts = createActivities({
  aws: createAwsClients({ clientConfig: { endpoint: testEnv().motoUrl, credentials: CREDENTIALS } }),
});
const id = uniqueId('intra');
let result: PeeringResult;

beforeAll(async () => {
  w = await startTestWorker();
  result = (await w.client.workflow.execute('SetupInterRegionPeering', {
    taskQueue: w.taskQueue,
    workflowId: id,
    args: [REQUEST],
  })) as PeeringResult;
});
afterAll(async () => {
  await w?.shutdown();
});

const teardown = () =>
  w.client.workflow.execute('TeardownInterRegionPeering', {
    taskQueue: w.taskQueue,
    workflowId: uniqueId('intra-teardown'),
    args: [{ setupWorkflowId: id }],
  }) as Promise<TeardownResult>;

const locator = () => ({
  setupId: id,
  peeringConnectionId: result.peeringConnectionId,
  requesterRegion: 'us-east-1',
  accepterRegion: 'us-east-1',
});

test('GIVEN two VPCs in us-east-1 WHEN set up THEN the peering is active between them, and each routes the other', async () => {
  const pcx = (
    await ec2('us-east-1').send(
      new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [result.peeringConnectionId] }),
    )
  ).VpcPeeringConnections?.[0];
  expect({
    status: pcx?.Status?.Code,
    requester: [pcx?.RequesterVpcInfo?.VpcId, pcx?.RequesterVpcInfo?.Region],
    accepter: [pcx?.AccepterVpcInfo?.VpcId, pcx?.AccepterVpcInfo?.Region],
    dns: [
      pcx?.RequesterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc,
      pcx?.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc,
    ],
  }).toEqual({
    status: 'active',
    requester: [result.requester.vpcId, 'us-east-1'],
    accepter: [result.accepter.vpcId, 'us-east-1'],
    dns: [true, true],
  });
  expect((await routesVia('us-east-1', [result.peeringConnectionId])).sort()).toEqual(
    [
      ...result.requester.routeTableIds.map((t) => `${t} 10.171.0.0/16`),
      ...result.accepter.routeTableIds.map((t) => `${t} 10.170.0.0/16`),
    ].sort(),
  );
});

test("WHEN the accepter's route and a requester NACL entry are removed THEN the inspection names each side, and repair puts back exactly those", async () => {
  const c = ec2('us-east-1');
  const accepterTable = result.accepter.routeTableIds[0]!;
  await c.send(new DeleteRouteCommand({ RouteTableId: accepterTable, DestinationCidrBlock: '10.170.0.0/16' }));
  const requesterAcl = result.requester.networkAclIds[0]!;
  await c.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: requesterAcl, RuleNumber: 900, Egress: false }));

  const inspection = await acts.inspectPeering({ locator: locator(), allow: REQUEST.allow });

  expect(inspection.drift.map((d) => [d.side, d.resource]).sort()).toEqual(
    [
      ['accepter', accepterTable],
      ['requester', requesterAcl],
    ].sort(),
  );
  const repaired = await acts.repairPeeringDrift({ locator: locator(), items: inspection.drift });
  expect(repaired.failed).toEqual([]);
  expect((await acts.inspectPeering({ locator: locator(), allow: REQUEST.allow })).drift).toEqual([]);
  const acl = (await c.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [requesterAcl] }))).NetworkAcls?.[0];
  expect(acl?.Entries?.find((e) => e.RuleNumber === 900 && !e.Egress)?.CidrBlock).toBe('10.171.0.0/16');
});

test('WHEN torn down twice THEN each resource is deleted once, nothing tagged is left, and the second run deletes nothing', async () => {
  const first = await teardown();

  expect(first.alreadyGone).toEqual([]);
  expect(
    first.deleted
      .filter((r) => r.type === 'vpc')
      .map((r) => r.id)
      .sort(),
  ).toEqual([result.requester.vpcId, result.accepter.vpcId].sort());
  expect(first.deleted.filter((r) => r.type === 'security-group')).toHaveLength(2);
  expect(countTagged(await taggedResources('us-east-1', id))).toBe(0);
  expect(await routesVia('us-east-1', [result.peeringConnectionId])).toEqual([]);
  expect(await teardown()).toEqual({ deleted: [], alreadyGone: [] });
});
