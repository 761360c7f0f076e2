/**
 * A side in another account: every call for it goes through its role (with the external ID, in a
 * session named after the setup), the peering is requested with PeerOwnerId and accepted by the
 * accepter's own account, each account holds and tags its own resources, and teardown leaves
 * nothing tagged in either. moto hands out credentials for any role; the STS trust layer in front
 * of it refuses as AWS does (harness/faithful/sts-trust.ts).
 */
import { DescribeVpcPeeringConnectionsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { roleSessionName } from '../../src/domain/aws/access';
import type { PeeringRequest, PeeringResult } from '../../src/domain/peering/types';
import { ec2In, partnerRoles, PARTNER_ACCOUNT, WORKER_ACCOUNT } from '../support/accounts';
import { countTagged, routesVia, taggedResources } from '../support/aws-state';
import { startStsTrust, type StsTrustLayer } from '../../harness/faithful/sts-trust';
import { applicationFailureOf } from '../support/failures';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { mutatingCallsSince, runSetup, runTeardown, startSetup } from '../support/setup-runs';
import { testEnv } from '../support/env';

const EXTERNAL_ID = 'abc-dr-7f3a9c21';
const ALLOW: PeeringRequest['allow'] = [
  { protocol: 'tcp', fromPort: 5432, toPort: 5432 },
  { protocol: 'tcp', fromPort: 443, toPort: 443 },
];

let trust: StsTrustLayer;
let w: TestWorker;
let roles: { requester: string; accepter: string };

beforeAll(async () => {
  trust = await startStsTrust({ target: testEnv().awsUrl });
  w = await startTestWorker({ endpoint: trust.url });
  roles = await partnerRoles(uniqueId('xa'), EXTERNAL_ID);
});
afterAll(async () => {
  await w?.shutdown();
  await trust?.close();
});

/** The peering as each account sees it, in the region where each side is. */
async function peeringSeenBy(pcx: string, region: string, account: string) {
  const out = await ec2In(region, account).send(new DescribeVpcPeeringConnectionsCommand({}));
  return out.VpcPeeringConnections?.find((p) => p.VpcPeeringConnectionId === pcx);
}

async function vpcIn(region: string, account: string, vpcId: string) {
  const out = await ec2In(region, account).send(new DescribeVpcsCommand({}));
  return out.Vpcs?.find((v) => v.VpcId === vpcId);
}

/** Nothing tagged with the setup in either account, in either region. */
async function leftAnywhere(id: string): Promise<number> {
  const counts = await Promise.all(
    [WORKER_ACCOUNT, PARTNER_ACCOUNT].flatMap((account) =>
      ['us-east-1', 'eu-west-1'].map(async (region) => countTagged(await taggedResources(region, id, account))),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

describe.each([
  ['accepter', 'eu-west-1', 130],
  ['requester', 'us-east-1', 132],
] as const)(
  'GIVEN the %s side in the partner account, through its role with the external ID',
  (side, region, octet) => {
    const id = uniqueId(`cross-account-${side}`);
    let result: PeeringResult;
    let from: number;
    const request = (): PeeringRequest => {
      const base: PeeringRequest = {
        requester: { region: 'us-east-1', cidrBlock: `10.${octet}.0.0/16`, name: `xa-${side}-primary` },
        accepter: { region: 'eu-west-1', cidrBlock: `10.${octet + 1}.0.0/16`, name: `xa-${side}-dr` },
        allow: ALLOW,
        tags: { Project: 'abc-dr' },
      };
      base[side] = { ...base[side], roleArn: roles[side], externalId: EXTERNAL_ID };
      return base;
    };

    beforeAll(async () => {
      from = w.calls.length;
      ({ result } = await runSetup(w, request(), id));
    });

    test('WHEN set up THEN that side reports the partner account, and its VPC is there and not in the worker account', async () => {
      const other = side === 'accepter' ? 'requester' : 'accepter';
      expect(result[side].accountId).toBe(PARTNER_ACCOUNT);
      expect(result[other].accountId).toBe(WORKER_ACCOUNT);
      expect((await vpcIn(region, PARTNER_ACCOUNT, result[side].vpcId))?.CidrBlock).toBe(result[side].cidrBlock);
      expect(await vpcIn(region, WORKER_ACCOUNT, result[side].vpcId)).toBeUndefined();
    });

    test("THEN the peering joins the two accounts' VPCs and is active as both accounts see it", async () => {
      const owners = { requester: result.requester.accountId, accepter: result.accepter.accountId };
      for (const [account, where] of [
        [owners.requester!, 'us-east-1'],
        [owners.accepter!, 'eu-west-1'],
      ] as const) {
        const pcx = await peeringSeenBy(result.peeringConnectionId, where, account);
        expect({ account, status: pcx?.Status?.Code }).toEqual({ account, status: 'active' });
        expect(pcx?.AccepterVpcInfo).toMatchObject({ VpcId: result.accepter.vpcId, OwnerId: owners.accepter });
        expect(pcx?.RequesterVpcInfo).toMatchObject({ VpcId: result.requester.vpcId, OwnerId: owners.requester });
      }
    });

    test('THEN every call for that side went through its role, in a session named after the setup, with the external ID', () => {
      const calls = w.calls.slice(from).filter((c) => c.region === region);
      expect(calls.length).toBeGreaterThan(5);
      expect(calls.filter((c) => c.roleArn !== roles[side]).map((c) => c.operation)).toEqual([]);
      const otherRegion = side === 'accepter' ? 'us-east-1' : 'eu-west-1';
      expect(w.calls.slice(from).filter((c) => c.region === otherRegion && c.roleArn)).toEqual([]);
      const sessions = trust.granted.filter((g) => g.roleArn === roles[side]);
      expect(sessions.length).toBeGreaterThan(0);
      expect(new Set(sessions.map((g) => `${g.sessionName} ${g.externalId}`))).toEqual(
        new Set([`${roleSessionName(id)} ${EXTERNAL_ID}`]),
      );
    });

    test("THEN the routes, the group and the tagged VPC are in each side's own account", async () => {
      const partner = await taggedResources(region, id, PARTNER_ACCOUNT);
      expect(partner.vpcs).toEqual([result[side].vpcId]);
      expect(partner.securityGroups).toEqual([result[side].securityGroupId]);
      expect(await routesVia(region, [result.peeringConnectionId], PARTNER_ACCOUNT)).toHaveLength(1);
      expect((await taggedResources(region, id, WORKER_ACCOUNT)).vpcs).toEqual([]);
    });

    test('WHEN torn down THEN nothing tagged with the setup is left in either account, and a second teardown deletes nothing', async () => {
      const first = await runTeardown(w, { setupWorkflowId: id });
      expect(first.deleted.length).toBeGreaterThanOrEqual(10);
      expect(await leftAnywhere(id)).toBe(0);
      expect(await routesVia(region, [result.peeringConnectionId], PARTNER_ACCOUNT)).toEqual([]);
      const second = await runTeardown(w, { setupWorkflowId: id });
      expect(second.deleted).toEqual([]);
    });
  },
);

describe('GIVEN both sides in one region, the accepter in the partner account', () => {
  test('WHEN set up and torn down THEN each side is made and removed in its own account', async () => {
    const id = uniqueId('cross-account-intra');
    const { result } = await runSetup(
      w,
      {
        requester: { region: 'us-east-1', cidrBlock: '10.134.0.0/16' },
        accepter: { region: 'us-east-1', cidrBlock: '10.135.0.0/16', roleArn: roles.accepter, externalId: EXTERNAL_ID },
        allow: ALLOW,
      },
      id,
    );
    expect((await taggedResources('us-east-1', id, PARTNER_ACCOUNT)).vpcs).toEqual([result.accepter.vpcId]);
    expect((await taggedResources('us-east-1', id, WORKER_ACCOUNT)).vpcs).toEqual([result.requester.vpcId]);

    await runTeardown(w, { setupWorkflowId: id });
    expect(await leftAnywhere(id)).toBe(0);
  });
});

describe('GIVEN a side whose role STS refuses', () => {
  const refused = async (accepter: PeeringRequest['accepter']) => {
    const id = uniqueId('cross-account-refused');
    const from = w.calls.length;
    const failure = await applicationFailureOf(
      (
        await startSetup(
          w,
          { requester: { region: 'us-east-1', cidrBlock: '10.136.0.0/16' }, accepter, allow: ALLOW },
          id,
        )
      ).result(),
    );
    return { failure, mutating: mutatingCallsSince(w, from), left: await leftAnywhere(id) };
  };
  const dr = { region: 'eu-west-1', cidrBlock: '10.137.0.0/16' };

  test.each([
    ['a wrong external ID', () => ({ ...dr, roleArn: roles.accepter, externalId: 'not-the-one-we-agreed' })],
    ['no external ID', () => ({ ...dr, roleArn: roles.accepter })],
    [
      'a role that does not exist',
      () => ({ ...dr, roleArn: `arn:aws:iam::${PARTNER_ACCOUNT}:role/vpc-peering-missing` }),
    ],
  ])(
    'WHEN the setup runs with %s THEN it fails at once, not retryable, naming the role, and creates nothing',
    async (_what, accepter) => {
      const { failure, mutating, left } = await refused(accepter());
      expect({ type: failure.type, nonRetryable: failure.nonRetryable }).toEqual({
        type: 'AssumeRoleRefused',
        nonRetryable: true,
      });
      expect(failure.message).toContain(`could not assume ${accepter().roleArn}`);
      expect(failure.message).toContain('is not authorized to perform: sts:AssumeRole');
      expect(mutating).toEqual([]);
      expect(left).toBe(0);
    },
  );
});
