/**
 * The side roles a worker may assume come from its own configuration (ASSUMABLE_ROLE_ARNS, by
 * default the pattern the worker policy allows), not from the request alone. The role outside it
 * here is a real one that trusts the worker with the agreed external ID, exactly as the side roles
 * do, so STS would hand out its credentials: what refuses it is the allowlist. A setup, a mesh, a
 * teardown by peering id and a failover that name it fail as bad input, and nothing is created,
 * deleted or switched. The STS trust layer answers sts:AssumeRole as AWS does.
 */
import { DescribeVpcsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { ApplicationFailure } from '@temporalio/common';
import { createAwsClients } from '../../src/activities';
import { loadWorkerSettings } from '../../src/config';
import { DEFAULT_ASSUMABLE_ROLE_ARNS, roleArnAllowed } from '../../src/domain/aws/access';
import type { FailoverRequest } from '../../src/domain/failover/types';
import type { MeshRequest } from '../../src/domain/mesh/types';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { startStsTrust, type StsTrustLayer } from '../../harness/faithful/sts-trust';
import {
  createRole,
  ec2In,
  partnerRoles,
  PARTNER_ACCOUNT,
  shippedTrustPolicy,
  WORKER_ACCOUNT,
} from '../support/accounts';
import { countTagged, taggedResources } from '../support/aws-state';
import { testEnv } from '../support/env';
import { MotoFailoverFixture, TO } from '../support/failover/fixture';
import { applicationFailureOf } from '../support/failures';
import { CREDENTIALS, startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { mutatingCallsSince, runSetup, runTeardown, startSetup, startTeardown } from '../support/setup-runs';

const EXTERNAL_ID = 'abc-dr-allowlist-5e1b';
const ALLOW: PeeringRequest['allow'] = [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }];
const REGIONS = ['us-east-1', 'eu-west-1'];
const OUTSIDE = "is outside the worker's allowlist of roles it may assume (ASSUMABLE_ROLE_ARNS)";

let trust: StsTrustLayer;
let w: TestWorker;
let inside: { requester: string; accepter: string };
/** Another team's role, not `vpc-peering-*`, that trusts the worker just as the side roles do. */
let payments: string;

beforeAll(async () => {
  trust = await startStsTrust({ target: testEnv().awsUrl });
  w = await startTestWorker({ endpoint: trust.url });
  const tag = uniqueId('allow');
  inside = await partnerRoles(tag, EXTERNAL_ID);
  payments = await createRole(PARTNER_ACCOUNT, `payments-admin-${tag}`, shippedTrustPolicy(EXTERNAL_ID));
});
afterAll(async () => {
  await w?.shutdown();
  await trust?.close();
});

/** The VPCs with one of `cidrs` in either account and region (moto's state), by id. */
async function vpcsWithCidrs(cidrs: string[]): Promise<string[]> {
  const found = await Promise.all(
    [WORKER_ACCOUNT, PARTNER_ACCOUNT].flatMap((account) =>
      REGIONS.map(async (region) => {
        const vpcs = (await ec2In(region, account).send(new DescribeVpcsCommand({}))).Vpcs ?? [];
        return vpcs.filter((v) => cidrs.includes(v.CidrBlock ?? '')).map((v) => v.VpcId!);
      }),
    ),
  );
  return found.flat();
}

/**
 * Nothing the run's id tagged, and no VPC with its CIDRs that was not there `before`, in either account
 * and region. The suite shares one moto and other files may leave VPCs with the same CIDRs behind (the
 * order of files differs from run to run), so only a VPC that appeared during the test counts.
 */
async function leftBehind(id: string, cidrs: string[], before: string[]): Promise<string[]> {
  const tagged = await Promise.all(
    [WORKER_ACCOUNT, PARTNER_ACCOUNT].flatMap((account) =>
      REGIONS.map(async (region) => {
        const count = countTagged(await taggedResources(region, id, account));
        return count ? [`${count} tagged in ${account} ${region}`] : [];
      }),
    ),
  );
  const appeared = (await vpcsWithCidrs(cidrs)).filter((vpcId) => !before.includes(vpcId));
  return [...tagged.flat(), ...appeared];
}

/** Where the worker's calls and STS's grants stand, to look at what came after. */
const mark = () => ({ calls: w.calls.length, granted: trust.granted.length });

/** Since `at`: the calls that changed something, and the credentials STS handed out for the refused role. */
function since(at: ReturnType<typeof mark>) {
  return {
    mutating: mutatingCallsSince(w, at.calls),
    paymentsGranted: trust.granted.slice(at.granted).filter((g) => g.roleArn === payments),
  };
}

describe('GIVEN role ARN patterns', () => {
  test('WHEN matched THEN they match as IAM matches a Resource: the whole ARN, * any run (/ too), ? one character', () => {
    const matches = (arn: string, patterns = DEFAULT_ASSUMABLE_ROLE_ARNS) => roleArnAllowed(arn, patterns);

    expect(DEFAULT_ASSUMABLE_ROLE_ARNS).toEqual(['arn:aws:iam::*:role/vpc-peering-*']);
    expect(matches('arn:aws:iam::222222222222:role/vpc-peering-accepter')).toBe(true);
    expect(matches('arn:aws:iam::222222222222:role/payments-admin')).toBe(false);
    expect(matches('arn:aws:iam::222222222222:role/team/vpc-peering-x')).toBe(false);
    expect(matches('arn:aws-cn:iam::222222222222:role/vpc-peering-x')).toBe(false);
    expect(matches('arn:aws:iam::222222222222:role/vpc-peering-x', [])).toBe(false);
    const one = ['arn:aws:iam::11112222333?:role/dr.*'];
    expect(matches('arn:aws:iam::111122223334:role/dr.a/b', one)).toBe(true);
    expect(matches('arn:aws:iam::111122223334:role/drxa', one)).toBe(false);
  });

  test('WHEN the worker reads ASSUMABLE_ROLE_ARNS THEN unset is the default, `none` is no role, and anything not a role pattern stops it', () => {
    expect(loadWorkerSettings({}).assumableRoleArns).toEqual(DEFAULT_ASSUMABLE_ROLE_ARNS);
    expect(loadWorkerSettings({ ASSUMABLE_ROLE_ARNS: ' ' }).assumableRoleArns).toEqual(DEFAULT_ASSUMABLE_ROLE_ARNS);
    expect(loadWorkerSettings({ ASSUMABLE_ROLE_ARNS: 'none' }).assumableRoleArns).toEqual([]);
    expect(
      loadWorkerSettings({
        ASSUMABLE_ROLE_ARNS: ' arn:aws:iam::111122223333:role/vpc-peering-*, arn:aws:iam::444455556666:role/dr ',
      }).assumableRoleArns,
    ).toEqual(['arn:aws:iam::111122223333:role/vpc-peering-*', 'arn:aws:iam::444455556666:role/dr']);
    for (const bad of ['*', 'arn:aws:iam::1:user/x', 'vpc-peering-*'])
      expect(() => loadWorkerSettings({ ASSUMABLE_ROLE_ARNS: bad })).toThrow(/^ASSUMABLE_ROLE_ARNS must be/);
  });
});

describe('GIVEN a role outside the default allowlist that trusts the worker', () => {
  const read = (ec2: EC2Client) => ec2.send(new DescribeVpcsCommand({}));

  test('WHEN the worker allows it THEN STS hands out its credentials (so the role itself is fine)', async () => {
    const allowing = createAwsClients({
      clientConfig: { endpoint: trust.url, credentials: CREDENTIALS },
      assumableRoleArns: [...DEFAULT_ASSUMABLE_ROLE_ARNS, payments],
    });

    await expect(read(allowing.ec2('us-east-1', { roleArn: payments, externalId: EXTERNAL_ID }))).resolves.toEqual(
      expect.objectContaining({ Vpcs: expect.any(Array) }),
    );
    expect(trust.granted.filter((g) => g.roleArn === payments)).toHaveLength(1);
  });

  test('WHEN the default allowlist applies THEN the call fails non-retryable with RoleNotAllowed, and STS is not asked', async () => {
    const granted = trust.granted.length;
    const refusals = trust.refusals.length;
    const defaults = createAwsClients({ clientConfig: { endpoint: trust.url, credentials: CREDENTIALS } });

    const err: unknown = await read(defaults.ec2('us-east-1', { roleArn: payments, externalId: EXTERNAL_ID })).catch(
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect({ type: failure.type, nonRetryable: failure.nonRetryable, details: failure.details }).toEqual({
      type: 'RoleNotAllowed',
      nonRetryable: true,
      details: [{ roleArn: payments }],
    });
    expect({ granted: trust.granted.length, refusals: trust.refusals.length }).toEqual({ granted, refusals });
  });
});

describe('GIVEN a setup that names the role outside the allowlist for one side', () => {
  test.each([
    ['accepter', 'requester'],
    ['requester', 'accepter'],
  ] as const)(
    'WHEN its %s names it (the %s in the worker account or through a vpc-peering-* role) THEN InvalidPeeringRequest names the field, and nothing is created',
    async (outsideSide, otherSide) => {
      const id = uniqueId('allowlist-setup');
      const cidrs =
        outsideSide === 'accepter' ? ['10.214.0.0/16', '10.215.0.0/16'] : ['10.216.0.0/16', '10.217.0.0/16'];
      const request: PeeringRequest = {
        requester: { region: 'us-east-1', cidrBlock: cidrs[0]! },
        accepter: { region: 'eu-west-1', cidrBlock: cidrs[1]! },
        allow: ALLOW,
      };
      request[outsideSide] = { ...request[outsideSide], roleArn: payments, externalId: EXTERNAL_ID };
      if (otherSide === 'accepter')
        request[otherSide] = { ...request[otherSide], roleArn: inside.accepter, externalId: EXTERNAL_ID };
      const existing = await vpcsWithCidrs(cidrs);
      const at = mark();

      const failure = await applicationFailureOf((await startSetup(w, request, id)).result());

      expect({ type: failure.type, nonRetryable: failure.nonRetryable }).toEqual({
        type: 'InvalidPeeringRequest',
        nonRetryable: true,
      });
      expect(failure.message).toBe(`${outsideSide}.roleArn: ${payments} ${OUTSIDE}; nothing was changed`);
      expect(failure.details?.[0]).toEqual(expect.objectContaining({ field: `${outsideSide}.roleArn` }));
      expect(since(at)).toEqual({ mutating: [], paymentsGranted: [] });
      expect(await leftBehind(id, cidrs, existing)).toEqual([]);
    },
  );
});

describe('GIVEN a mesh whose eu-west-1 VPC names the role outside the allowlist', () => {
  test('WHEN set up THEN InvalidMeshRequest names vpcs.euw1.roleArn, and no VPC is created in either account', async () => {
    const meshId = uniqueId('allowlist-mesh');
    const cidrs = ['10.218.0.0/16', '10.219.0.0/16'];
    const request: MeshRequest = {
      vpcs: {
        use1: { region: 'us-east-1', cidrBlock: cidrs[0]! },
        euw1: { region: 'eu-west-1', cidrBlock: cidrs[1]!, roleArn: payments, externalId: EXTERNAL_ID },
      },
      topology: 'full-mesh',
      allow: ALLOW,
    };
    const existing = await vpcsWithCidrs(cidrs);
    const at = mark();

    const failure = await applicationFailureOf(
      w.client.workflow.execute('SetupPeeringMesh', { taskQueue: w.taskQueue, workflowId: meshId, args: [request] }),
    );

    expect({ type: failure.type, nonRetryable: failure.nonRetryable }).toEqual({
      type: 'InvalidMeshRequest',
      nonRetryable: true,
    });
    expect(failure.message).toBe(`vpcs.euw1.roleArn: ${payments} ${OUTSIDE}; nothing was changed`);
    expect(since(at)).toEqual({ mutating: [], paymentsGranted: [] });
    expect(await leftBehind(meshId, cidrs, existing)).toEqual([]);
  });
});

describe('GIVEN a live peering, torn down by its id with the accepter role outside the allowlist', () => {
  test('WHEN the teardown runs THEN InvalidTeardownRequest names accepterRoleArn, and nothing is deleted', async () => {
    const cidrs = ['10.222.0.0/16', '10.223.0.0/16'];
    const existing = await vpcsWithCidrs(cidrs);
    const { id, result } = await runSetup(w, {
      requester: { region: 'us-east-1', cidrBlock: cidrs[0]! },
      accepter: { region: 'eu-west-1', cidrBlock: cidrs[1]! },
      allow: ALLOW,
    });
    const before = await Promise.all(REGIONS.map((region) => taggedResources(region, id)));
    const at = mark();

    const failure = await applicationFailureOf(
      (
        await startTeardown(w, {
          peeringConnectionId: result.peeringConnectionId,
          requesterRegion: 'us-east-1',
          accepterRegion: 'eu-west-1',
          accepterRoleArn: payments,
          accepterExternalId: EXTERNAL_ID,
        })
      ).result(),
    );

    expect({ type: failure.type, nonRetryable: failure.nonRetryable }).toEqual({
      type: 'InvalidTeardownRequest',
      nonRetryable: true,
    });
    expect(failure.message).toBe(`accepterRoleArn: ${payments} ${OUTSIDE}; nothing was changed`);
    expect(since(at)).toEqual({ mutating: [], paymentsGranted: [] });
    expect(await Promise.all(REGIONS.map((region) => taggedResources(region, id)))).toEqual(before);

    await runTeardown(w, { setupWorkflowId: id });
    expect(await leftBehind(id, cidrs, existing)).toEqual([]);
  });
});

describe('GIVEN a failover whose peering role for the DR side is outside the allowlist', () => {
  test('WHEN it runs THEN InvalidFailoverRequest names peeringRoles[0].roleArn; the record and the replica are as they were', async () => {
    const fixture = new MotoFailoverFixture(testEnv().motoUrl);
    const world = await fixture.world();
    const request: FailoverRequest = {
      ...world.request,
      peeringRoles: [{ region: TO, roleArn: payments, externalId: EXTERNAL_ID }],
    };
    const at = mark();

    const failure = await applicationFailureOf(
      w.client.workflow.execute('FailoverToRegion', {
        taskQueue: w.taskQueue,
        workflowId: uniqueId('allowlist-failover'),
        args: [request],
      }),
    );

    expect({ type: failure.type, nonRetryable: failure.nonRetryable }).toEqual({
      type: 'InvalidFailoverRequest',
      nonRetryable: true,
    });
    expect(failure.message).toBe(`peeringRoles[0].roleArn: ${payments} ${OUTSIDE}; nothing was changed`);
    expect(since(at)).toEqual({ mutating: [], paymentsGranted: [] });
    const records = await fixture.route53().send(new ListResourceRecordSetsCommand({ HostedZoneId: world.zoneId }));
    const record = records.ResourceRecordSets?.find((r) => r.Name === world.request.recordName && r.Type === 'CNAME');
    expect(record?.ResourceRecords?.map((r) => r.Value)).toEqual([world.primaryValue]);
    const replica = await fixture
      .rds(TO)
      .send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: world.request.promoteReplica!.dbInstanceIdentifier }),
      );
    expect(replica.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBeDefined();
  });
});
