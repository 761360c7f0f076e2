/**
 * A VPC the setup creates comes with a main route table and a default network ACL that AWS makes
 * untagged; the scoped policy lets the worker change only tables that carry a setup's tag
 * (ClaimTheTablesOfAVpcItCreated). ensureVpc claims them with the setup's keys only (and the
 * mesh's), once: a retry finds them claimed and tags nothing again. In a run whose side rules
 * claim (`setup-claim-tables-in-side-rules`), a VPC found again is left to the routes and NACL parts.
 */
import { CreateVpcCommand } from '@aws-sdk/client-ec2';
import { createActivities, createAwsClients } from '../../src/activities';
import { MESH_ID_TAG, SETUP_ID_TAG, SIDE_TAG, setupTags } from '../../src/domain/aws/tags';
import { tableTags } from '../support/aws-state';
import { testEnv } from '../support/env';
import { CREDENTIALS, ec2, uniqueId } from '../support/harness';

const calls: string[] = [];
const acts = createActivities({
  aws: createAwsClients({
    clientConfig: { endpoint: testEnv().awsUrl, credentials: CREDENTIALS },
    observers: [(c) => calls.push(c.operation)],
  }),
});
const REGION = 'eu-west-1';

const tablesOf = (vpcId: string) => tableTags(REGION, vpcId);

/** A requester VPC as an attempt stopped after CreateVpc leaves it: tagged with setup and side, tables unclaimed. */
async function earlierAttemptVpc(cidrBlock: string, tags: Record<string, string>): Promise<string> {
  const Tags = [...Object.entries(tags), [SIDE_TAG, 'requester']].map(([Key, Value]) => ({ Key, Value }));
  const out = await ec2(REGION).send(
    new CreateVpcCommand({ CidrBlock: cidrBlock, TagSpecifications: [{ ResourceType: 'vpc', Tags }] }),
  );
  return out.Vpc!.VpcId!;
}

describe('GIVEN a setup VPC made by ensureVpc', () => {
  const setupId = uniqueId('claim');
  const input = {
    side: 'accepter',
    region: REGION,
    setupId,
    cidrBlock: '10.150.0.0/16',
    name: 'claim-dr',
    tags: setupTags(setupId, { Project: 'claim' }),
  };
  let vpcId: string;

  test('WHEN created THEN its main route table and default ACL carry the setup tag and nothing of the request', async () => {
    calls.length = 0;
    vpcId = (await acts.ensureVpc(input)).vpc.vpcId;

    expect(await tablesOf(vpcId)).toEqual([
      `acl default ${SETUP_ID_TAG}=${setupId}`,
      `rtb main ${SETUP_ID_TAG}=${setupId}`,
    ]);
    expect(calls.filter((op) => op === 'CreateTags')).toEqual(['CreateTags']);
  });

  test('WHEN ensureVpc runs again (a retry) THEN it finds the VPC and its claimed tables and tags nothing', async () => {
    calls.length = 0;
    expect((await acts.ensureVpc(input)).vpc.vpcId).toBe(vpcId);

    expect(calls.filter((op) => !/^(Describe|Get|List)/.test(op))).toEqual([]);
    expect(await tablesOf(vpcId)).toEqual([
      `acl default ${SETUP_ID_TAG}=${setupId}`,
      `rtb main ${SETUP_ID_TAG}=${setupId}`,
    ]);
  });
});

describe('GIVEN a VPC an earlier attempt made (tagged with the setup and side) whose tables it never claimed', () => {
  test('WHEN ensureVpc runs THEN it creates no VPC and claims that VPC’s tables', async () => {
    const setupId = uniqueId('claim-retry');
    const tags = setupTags(setupId, {});
    const vpcId = await earlierAttemptVpc('10.151.0.0/16', tags);
    expect(await tablesOf(vpcId)).toEqual(['acl default ', 'rtb main ']);
    calls.length = 0;

    const out = await acts.ensureVpc({ side: 'requester', region: REGION, setupId, cidrBlock: '10.151.0.0/16', tags });

    expect(out.vpc.vpcId).toBe(vpcId);
    expect(calls).not.toContain('CreateVpc');
    expect(await tablesOf(vpcId)).toEqual([
      `acl default ${SETUP_ID_TAG}=${setupId}`,
      `rtb main ${SETUP_ID_TAG}=${setupId}`,
    ]);
  });
});

describe('GIVEN a mesh VPC (tagged with the mesh id as well)', () => {
  test('WHEN created THEN its tables carry the setup and mesh tags only', async () => {
    const meshId = uniqueId('claim-mesh');
    const { vpc } = await acts.ensureVpc({
      side: 'euw1',
      region: REGION,
      setupId: meshId,
      cidrBlock: '10.152.0.0/16',
      tags: { ...setupTags(meshId, { Project: 'claim-mesh' }), [MESH_ID_TAG]: meshId },
    });

    const claimed = [MESH_ID_TAG, SETUP_ID_TAG].map((k) => `${k}=${meshId}`).join(',');
    expect(await tablesOf(vpc.vpcId)).toEqual([`acl default ${claimed}`, `rtb main ${claimed}`]);
  });
});

describe('GIVEN a setup VPC found again whose tables an earlier attempt never claimed, in a run whose side rules claim', () => {
  const setupId = uniqueId('claim-later');
  const tags = setupTags(setupId, {});
  let vpcId: string;

  test('WHEN ensureVpc runs THEN it finds the VPC, reads none of its tables and claims nothing', async () => {
    vpcId = await earlierAttemptVpc('10.153.0.0/16', tags);
    calls.length = 0;

    const out = await acts.ensureVpc({
      side: 'requester',
      region: REGION,
      setupId,
      cidrBlock: '10.153.0.0/16',
      tags,
      tablesClaimedBySideRules: true,
    });

    expect(out.vpc.vpcId).toBe(vpcId);
    expect(calls.filter((op) => /RouteTables|NetworkAcls|CreateTags|CreateVpc/.test(op))).toEqual([]);
    expect(await tablesOf(vpcId)).toEqual(['acl default ', 'rtb main ']);
  });

  test('WHEN the routes and NACL parts run with the claim THEN they claim the main table and default ACL with the setup key only, once', async () => {
    const common = { region: REGION, vpcId, peeringConnectionId: 'pcx-0claimlater', claim: tags };
    calls.length = 0;
    await acts.ensureRoutes({ ...common, destinationCidrBlocks: [] });
    await acts.ensureNaclEntries({ ...common, entries: [] });

    expect(calls.filter((op) => op === 'CreateTags')).toEqual(['CreateTags', 'CreateTags']);
    expect(await tablesOf(vpcId)).toEqual([
      `acl default ${SETUP_ID_TAG}=${setupId}`,
      `rtb main ${SETUP_ID_TAG}=${setupId}`,
    ]);

    calls.length = 0;
    await acts.ensureRoutes({ ...common, destinationCidrBlocks: [] });
    await acts.ensureNaclEntries({ ...common, entries: [] });
    expect(calls).toEqual(['DescribeRouteTables', 'DescribeNetworkAcls']);
  });

  test('WHEN the parts run without the claim (a VPC the run did not make) THEN they tag nothing', async () => {
    const other = (await ec2(REGION).send(new CreateVpcCommand({ CidrBlock: '10.154.0.0/16' }))).Vpc!.VpcId!;
    const common = { region: REGION, vpcId: other, peeringConnectionId: 'pcx-0claimlater' };
    calls.length = 0;
    await acts.ensureRoutes({ ...common, destinationCidrBlocks: [] });
    await acts.ensureNaclEntries({ ...common, entries: [] });

    expect(calls).toEqual(['DescribeRouteTables', 'DescribeNetworkAcls']);
    expect(await tablesOf(other)).toEqual(['acl default ', 'rtb main ']);
  });
});
