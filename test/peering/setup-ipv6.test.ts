/**
 * `ipv6: true`: created VPCs ask for an Amazon-provided /56, each side routes the peer's IPv6
 * block and its group and NACL entries admit it, nothing is open to ::/0 (a new group's default
 * IPv6 egress included), and teardown removes the IPv6 routes too.
 */
import { DescribeNetworkAclsCommand } from '@aws-sdk/client-ec2';
import type { PeeringRequest, PeeringResult } from '../../src/domain/peering/types';
import { ec2In } from '../support/accounts';
import { routesVia, taggedResources } from '../support/aws-state';
import { applicationFailureOf } from '../support/failures';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { aclEntries, existingNetwork, groupRules, ipv6Of, routesOf } from '../support/real-networks';
import { mutatingCallsSince, runSetup, runTeardown, startSetup } from '../support/setup-runs';

const ALLOW: PeeringRequest['allow'] = [
  { protocol: 'tcp', fromPort: 5432, toPort: 5432 },
  { protocol: 'tcp', fromPort: 443, toPort: 443 },
];

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker();
});
afterAll(async () => {
  await w?.shutdown();
});

describe('GIVEN two VPCs to create, with ipv6: true', () => {
  const id = uniqueId('ipv6');
  let result: PeeringResult;
  let v6: { requester: string; accepter: string };

  beforeAll(async () => {
    ({ result } = await runSetup(
      w,
      {
        requester: { region: 'us-east-1', cidrBlock: '10.160.0.0/16' },
        accepter: { region: 'eu-west-1', cidrBlock: '10.161.0.0/16' },
        allow: ALLOW,
        ipv6: true,
      },
      id,
    ));
    v6 = {
      requester: (await ipv6Of('us-east-1', result.requester.vpcId))!,
      accepter: (await ipv6Of('eu-west-1', result.accepter.vpcId))!,
    };
  });

  test('WHEN set up THEN each VPC has an Amazon-provided /56, reported in the result', () => {
    expect(v6.requester).toMatch(/\/56$/);
    expect(v6.accepter).toMatch(/\/56$/);
    expect(result.requester.ipv6CidrBlocks).toEqual([v6.requester]);
    expect(result.accepter.ipv6CidrBlocks).toEqual([v6.accepter]);
  });

  test("THEN each side routes the peer's IPv4 CIDR and IPv6 block through the peering", async () => {
    const pcx = result.peeringConnectionId;
    for (const routes of Object.values(await routesOf('us-east-1', result.requester.routeTableIds)))
      expect(routes).toEqual(expect.arrayContaining([`10.161.0.0/16 → ${pcx}`, `${v6.accepter} → ${pcx}`]));
    for (const routes of Object.values(await routesOf('eu-west-1', result.accepter.routeTableIds)))
      expect(routes).toEqual(expect.arrayContaining([`10.160.0.0/16 → ${pcx}`, `${v6.requester} → ${pcx}`]));
  });

  test("THEN each group holds exactly the allowed rules for both of the peer's blocks, and no ::/0 (the default IPv6 egress revoked)", async () => {
    expect(await groupRules('eu-west-1', result.accepter.securityGroupId)).toEqual(
      [
        'in tcp 443-443 10.160.0.0/16',
        'in tcp 5432-5432 10.160.0.0/16',
        `in tcp 443-443 ${v6.requester}`,
        `in tcp 5432-5432 ${v6.requester}`,
        'out tcp 443-443 10.160.0.0/16',
        'out tcp 5432-5432 10.160.0.0/16',
        `out tcp 443-443 ${v6.requester}`,
        `out tcp 5432-5432 ${v6.requester}`,
      ].sort(),
    );
    const rules = await groupRules('us-east-1', result.requester.securityGroupId);
    expect(rules.filter((r) => r.endsWith(' ::/0') || r.endsWith(' 0.0.0.0/0'))).toEqual([]);
  });

  test('THEN the NACL entries admit HTTPS and the return range from the IPv6 block too, after the IPv4 ones', async () => {
    const inbound = (await aclEntries('eu-west-1', result.accepter.networkAclIds[0]!)).filter((l) =>
      l.startsWith('in'),
    );
    expect(inbound).toEqual([
      'in 900 6 443-443 10.160.0.0/16',
      'in 901 6 1024-65535 10.160.0.0/16',
      `in 902 6 443-443 ${v6.requester}`,
      `in 903 6 1024-65535 ${v6.requester}`,
    ]);
    const acl = (
      await ec2In('eu-west-1').send(
        new DescribeNetworkAclsCommand({ NetworkAclIds: [result.accepter.networkAclIds[0]!] }),
      )
    ).NetworkAcls![0]!;
    const made = (acl.Entries ?? []).filter((e) => e.RuleNumber! >= 900 && e.RuleNumber! < 1000);
    expect(made.filter((e) => e.Ipv6CidrBlock === '::/0' || e.CidrBlock === '0.0.0.0/0')).toEqual([]);
  });

  test('WHEN torn down THEN the IPv6 routes are gone with the rest', async () => {
    await runTeardown(w, { setupWorkflowId: id });
    expect(await routesVia('us-east-1', [result.peeringConnectionId])).toEqual([]);
    expect(await routesVia('eu-west-1', [result.peeringConnectionId])).toEqual([]);
    expect((await taggedResources('us-east-1', id)).vpcs).toEqual([]);
  });
});

test('GIVEN an existing VPC without an IPv6 block WHEN an IPv6 setup names it THEN it is bad input naming ipv6, before any change', async () => {
  const { vpcId } = await existingNetwork({ region: 'eu-west-1', cidrBlock: '10.163.0.0/16' });
  const from = w.calls.length;
  const handle = await startSetup(w, {
    requester: { region: 'us-east-1', cidrBlock: '10.162.0.0/16' },
    accepter: { region: 'eu-west-1', vpcId },
    allow: ALLOW,
    ipv6: true,
  });
  const failure = await applicationFailureOf(handle.result());
  expect(failure.type).toBe('InvalidPeeringRequest');
  expect(failure.message).toContain(`ipv6: accepter VPC ${vpcId} has no IPv6 CIDR block`);
  expect(mutatingCallsSince(w, from)).toEqual([]);
});

test('GIVEN a setup made without IPv6 WHEN run again under its id with ipv6: true THEN its own VPC gets an Amazon-provided block and the IPv6 rules are added', async () => {
  const id = uniqueId('ipv6-later');
  const { vpcId, ipv6 } = await existingNetwork({ region: 'eu-west-1', cidrBlock: '10.165.0.0/16', ipv6: true });
  const request: PeeringRequest = {
    requester: { region: 'us-east-1', cidrBlock: '10.164.0.0/16' },
    accepter: { region: 'eu-west-1', vpcId },
    allow: ALLOW,
  };
  const first = (await runSetup(w, request, id)).result;
  expect(await ipv6Of('us-east-1', first.requester.vpcId)).toBeUndefined();
  const from = w.calls.length;
  const again = (await runSetup(w, { ...request, ipv6: true }, id)).result;
  expect(again.peeringConnectionId).toBe(first.peeringConnectionId);
  expect(mutatingCallsSince(w, from)).toContain('us-east-1 AssociateVpcCidrBlock');
  const requesterV6 = await ipv6Of('us-east-1', first.requester.vpcId);
  expect(again.requester.ipv6CidrBlocks).toEqual([requesterV6]);
  const routes = await routesOf('us-east-1', again.requester.routeTableIds);
  for (const r of Object.values(routes)) expect(r).toContain(`${ipv6} → ${again.peeringConnectionId}`);
  // The IPv4 entries kept their numbers; the IPv6 ones came after them.
  const inbound = (await aclEntries('eu-west-1', again.accepter.networkAclIds[0]!)).filter((l) => l.startsWith('in'));
  expect(inbound.slice(0, 2)).toEqual(['in 900 6 443-443 10.164.0.0/16', 'in 901 6 1024-65535 10.164.0.0/16']);
  expect(inbound.slice(2)).toEqual([`in 902 6 443-443 ${requesterV6}`, `in 903 6 1024-65535 ${requesterV6}`]);
  await runTeardown(w, { setupWorkflowId: id });
});
