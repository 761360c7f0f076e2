/**
 * The setup command's side flags, as a user runs them: `--accepter-role` / `--requester-role`,
 * `--external-id` and `--route-table-tag Key=Value`, which win over the request file; and the
 * mistakes they can make, each a one-line usage error (exit 2) before anything starts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withSideFlags } from '../../src/cli/side-flags';
import type { PeeringResult } from '../../src/domain/peering/types';
import { partnerRoles, PARTNER_ACCOUNT } from '../support/accounts';
import { cliProcess } from '../support/cli-process';
import { testEnv } from '../support/env';
import { startStsTrust, type StsTrustLayer } from '../../harness/faithful/sts-trust';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { existingNetwork, routesOf, taggedTable } from '../support/real-networks';
import { runTeardown } from '../support/setup-runs';

const EXTERNAL_ID = 'cli-flags-9d8e7f60';
let trust: StsTrustLayer;
let w: TestWorker;
const { cli, tmp, cleanUp } = cliProcess(() => w.taskQueue);

beforeAll(async () => {
  trust = await startStsTrust({ target: testEnv().awsUrl });
  w = await startTestWorker({ endpoint: trust.url });
});
afterAll(async () => {
  await w?.shutdown();
  await trust?.close();
  cleanUp();
});

const write = (name: string, request: unknown) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(request));
  return file;
};

describe('GIVEN a request file', () => {
  const base = {
    requester: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' },
    accepter: { region: 'eu-west-1', vpcId: 'vpc-0123456789abcdef0' },
    allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
  };

  test('WHEN the flags are applied THEN the roles go to their sides, the external ID with each role, and the tags to the side given by vpcId', () => {
    expect(
      withSideFlags(base, {
        'accepter-role': 'arn:aws:iam::222222222222:role/vpc-peering-accepter',
        'external-id': 'x-1234',
        'route-table-tag': ['Tier=private', 'Zone=a=b'],
      }),
    ).toEqual({
      ...base,
      accepter: {
        ...base.accepter,
        roleArn: 'arn:aws:iam::222222222222:role/vpc-peering-accepter',
        externalId: 'x-1234',
        routeTableTags: { Tier: 'private', Zone: 'a=b' },
      },
    });
  });

  test.each([
    [['--external-id', 'x-1234'], '--external-id goes with a role'],
    [['--route-table-tag', 'Tier'], '--route-table-tag Tier: write it as Key=Value'],
    [['--accepter-role', 'arn:aws:iam::1:user/x'], 'accepter.roleArn: must be an IAM role ARN'],
  ])('WHEN setup runs with %j THEN it says so in one line and exits 2, starting nothing', async (flags, message) => {
    const run = await cli(['setup', '--file', write(`${uniqueId('req')}.json`, base), ...flags]);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });
});

test('GIVEN an existing DR VPC in the partner account with a private table WHEN setup runs with --accepter-role, --external-id and --route-table-tag THEN the peering is made through the role and only the private table is routed', async () => {
  const roles = await partnerRoles(uniqueId('cli'), EXTERNAL_ID);
  const { vpcId } = await existingNetwork({
    region: 'eu-west-1',
    cidrBlock: '10.197.0.0/16',
    account: PARTNER_ACCOUNT,
  });
  const privateTable = await taggedTable('eu-west-1', vpcId, { Tier: 'private' }, PARTNER_ACCOUNT);
  await taggedTable('eu-west-1', vpcId, { Tier: 'public' }, PARTNER_ACCOUNT);
  const file = write('cross-account.json', {
    requester: { region: 'us-east-1', cidrBlock: '10.196.0.0/16' },
    accepter: { region: 'eu-west-1', vpcId },
    allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
  });
  const id = uniqueId('cli-cross-account');

  const run = await cli([
    'setup',
    '--file',
    file,
    '--id',
    id,
    '--accepter-role',
    roles.accepter,
    '--external-id',
    EXTERNAL_ID,
    '--route-table-tag',
    'Tier=private',
    '--wait',
  ]);

  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as PeeringResult;
  expect(result.accepter).toMatchObject({ accountId: PARTNER_ACCOUNT, routeTableIds: [privateTable] });
  const routes = await routesOf('eu-west-1', [privateTable], PARTNER_ACCOUNT);
  expect(routes[privateTable]).toContain(`10.196.0.0/16 → ${result.peeringConnectionId}`);
  expect(trust.granted.some((g) => g.roleArn === roles.accepter && g.externalId === EXTERNAL_ID)).toBe(true);
  await runTeardown(w, { setupWorkflowId: id });
});
