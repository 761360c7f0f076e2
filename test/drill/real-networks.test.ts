/**
 * DrDrill on real organisations' networks: the checks of a cross-account side run in that side's
 * account (and its drift is repaired there), a secondary CIDR's routes are checked, and so are the
 * IPv6 routes and rules (a stray ::/0 included).
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  DeleteRouteCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import type { DrillFailover, DrillReport } from '../../src/domain/drill/types';
import type { PeeringRequest, PeeringResult } from '../../src/domain/peering/types';
import { ec2In, partnerRoles, PARTNER_ACCOUNT } from '../support/accounts';
import { vpcSnapshot } from '../support/aws-state';
import { abcDrillRequest, createFailoverTargets } from '../support/drill/fixtures';
import { testEnv } from '../support/env';
import { startStsTrust, type StsTrustLayer } from '../../harness/faithful/sts-trust';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { existingNetwork } from '../support/real-networks';
import { runSetup, runTeardown } from '../support/setup-runs';

const ALLOW: PeeringRequest['allow'] = [{ protocol: 'tcp', fromPort: 443, toPort: 443, description: 'HTTPS' }];
const EXTERNAL_ID = 'drill-4c0ffee5';

let trust: StsTrustLayer;
let w: TestWorker;
let failover: DrillFailover;

beforeAll(async () => {
  trust = await startStsTrust({ target: testEnv().awsUrl });
  w = await startTestWorker({ endpoint: trust.url });
  failover = await createFailoverTargets();
});
afterAll(async () => {
  await w?.shutdown();
  await trust?.close();
});

async function drill(setupId: string, repairDrift: boolean): Promise<DrillReport> {
  return (await w.client.workflow.execute('DrDrill', {
    taskQueue: w.taskQueue,
    workflowId: uniqueId('drill'),
    args: [abcDrillRequest(setupId, failover, { repairDrift })],
  })) as DrillReport;
}

const failing = (r: DrillReport) => r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
const deleteRoute = (region: string, table: string, cidr: string, account?: string) =>
  ec2In(region, account).send(
    new DeleteRouteCommand({
      RouteTableId: table,
      ...(cidr.includes(':') ? { DestinationIpv6CidrBlock: cidr } : { DestinationCidrBlock: cidr }),
    }),
  );

/** Sets up `request`, drills it with drift planted by `plant`, and checks what the drill found and put back. */
async function drilled(
  request: PeeringRequest,
  plant: (s: PeeringResult) => Promise<void>,
  snapshot: (s: PeeringResult) => Promise<unknown>,
) {
  const { id, result } = await runSetup(w, request);
  const pristine = await snapshot(result);
  await plant(result);
  const found = await drill(id, false);
  const repaired = await drill(id, true);
  const after = await drill(id, false);
  const restored = await snapshot(result);
  await runTeardown(w, { setupWorkflowId: id });
  return { result, found, repaired, after, restored, pristine };
}

test('GIVEN a setup whose accepter is in the partner account WHEN its accepter drifts THEN the drill finds it there and repairs it through the role', async () => {
  const roles = await partnerRoles(uniqueId('drill'), EXTERNAL_ID);
  const request: PeeringRequest = {
    requester: { region: 'us-east-1', cidrBlock: '10.180.0.0/16' },
    accepter: { region: 'eu-west-1', cidrBlock: '10.181.0.0/16', roleArn: roles.accepter, externalId: EXTERNAL_ID },
    allow: ALLOW,
  };
  const from = w.calls.length;
  const { result, found, repaired, after, restored, pristine } = await drilled(
    request,
    async (s) => {
      await deleteRoute('eu-west-1', s.accepter.routeTableIds[0]!, '10.180.0.0/16', PARTNER_ACCOUNT);
      await ec2In('eu-west-1', PARTNER_ACCOUNT).send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: s.accepter.securityGroupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.180.0.0/16' }] }],
        }),
      );
    },
    (s) => vpcSnapshot('eu-west-1', s.accepter.vpcId, PARTNER_ACCOUNT),
  );
  expect(found.drift.map((d) => `${d.side} ${d.what} ${d.actual}`).sort()).toEqual([
    'accepter ingress rule tcp 443-443 from 10.180.0.0/16 missing',
    'accepter route to 10.180.0.0/16 missing',
  ]);
  expect(repaired.repaired).toHaveLength(2);
  expect(failing(after)).toEqual([]);
  expect(restored).toEqual(pristine);
  // Every eu-west-1 call of the drills went through the accepter's role: none looked in the worker's account.
  const euCalls = w.calls.slice(from).filter((c) => c.region === 'eu-west-1' && c.service === 'ec2');
  expect(euCalls.filter((c) => c.roleArn !== roles.accepter).map((c) => c.operation)).toEqual([]);
  expect(result.accepter.accountId).toBe(PARTNER_ACCOUNT);
});

test("GIVEN a setup with an existing VPC's secondary CIDR WHEN the route to that CIDR is deleted THEN the drill reports it and puts it back", async () => {
  const { vpcId } = await existingNetwork({
    region: 'eu-west-1',
    cidrBlock: '10.183.0.0/16',
    secondary: ['10.184.0.0/16'],
  });
  const { found, repaired, after, restored, pristine } = await drilled(
    {
      requester: { region: 'us-east-1', cidrBlock: '10.182.0.0/16' },
      accepter: { region: 'eu-west-1', vpcId },
      allow: ALLOW,
    },
    (s) => deleteRoute('us-east-1', s.requester.routeTableIds[0]!, '10.184.0.0/16').then(() => undefined),
    (s) => vpcSnapshot('us-east-1', s.requester.vpcId),
  );
  expect(found.drift.map((d) => `${d.region} ${d.what} ${d.actual}`)).toEqual([
    'us-east-1 route to 10.184.0.0/16 missing',
  ]);
  expect(found.checks.find((c) => c.name === 'routes')?.detail).toContain('10.183.0.0/16, 10.184.0.0/16');
  expect(repaired.repaired).toHaveLength(1);
  expect(failing(after)).toEqual([]);
  expect(restored).toEqual(pristine);
});

test('GIVEN an IPv6 setup WHEN its IPv6 route and rule go missing and a ::/0 egress appears THEN the drill reports all three and repairs them', async () => {
  let v6 = { requester: '', accepter: '' };
  const { found, repaired, after } = await drilled(
    {
      requester: { region: 'us-east-1', cidrBlock: '10.185.0.0/16' },
      accepter: { region: 'eu-west-1', cidrBlock: '10.186.0.0/16' },
      allow: ALLOW,
      ipv6: true,
    },
    async (s) => {
      v6 = { requester: s.requester.ipv6CidrBlocks![0]!, accepter: s.accepter.ipv6CidrBlocks![0]! };
      await deleteRoute('us-east-1', s.requester.routeTableIds[0]!, v6.accepter);
      await ec2In('eu-west-1').send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: s.accepter.securityGroupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: v6.requester }] }],
        }),
      );
      await ec2In('us-east-1').send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: s.requester.securityGroupId,
          IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
        }),
      );
    },
    async () => undefined,
  );
  expect(found.drift.map((d) => `${d.region} ${d.what} ${d.actual}`).sort()).toEqual(
    [
      `us-east-1 route to ${v6.accepter} missing`,
      `eu-west-1 ingress rule tcp 443-443 from ${v6.requester} missing`,
      'us-east-1 egress rule all -1--1 to ::/0 present',
    ].sort(),
  );
  expect(repaired.repaired).toHaveLength(3);
  expect(repaired.repairFailures).toEqual([]);
  expect(failing(after)).toEqual([]);
});
