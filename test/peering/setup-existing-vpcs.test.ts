/**
 * Existing VPCs as organisations have them: a secondary CIDR (routes and rules cover every CIDR,
 * the overlap check too) and route tables chosen by tag (a private tier routed, a public one not).
 */
import type { PeeringRequest, PeeringResult } from '../../src/domain/peering/types';
import { vpcSnapshot } from '../support/aws-state';
import { applicationFailureOf } from '../support/failures';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { aclEntries, existingNetwork, groupRules, mainTableOf, routesOf, taggedTable } from '../support/real-networks';
import { mutatingCallsSince, runSetup, runTeardown, startSetup } from '../support/setup-runs';

const HTTPS: PeeringRequest['allow'] = [{ protocol: 'tcp', fromPort: 443, toPort: 443 }];

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker();
});
afterAll(async () => {
  await w?.shutdown();
});

describe('GIVEN an existing eu-west-1 VPC with a secondary CIDR (10.151.0.0/16 and 10.152.0.0/16)', () => {
  const id = uniqueId('secondary-cidr');
  let vpcId: string;
  let result: PeeringResult;
  let before: string[];

  beforeAll(async () => {
    ({ vpcId } = await existingNetwork({
      region: 'eu-west-1',
      cidrBlock: '10.151.0.0/16',
      secondary: ['10.152.0.0/16'],
    }));
    before = await vpcSnapshot('eu-west-1', vpcId);
    ({ result } = await runSetup(
      w,
      {
        requester: { region: 'us-east-1', cidrBlock: '10.150.0.0/16' },
        accepter: { region: 'eu-west-1', vpcId },
        allow: HTTPS,
      },
      id,
    ));
  });

  test('WHEN peered THEN the result lists both CIDRs, and the requester routes each of them through the peering', async () => {
    expect(result.accepter.cidrBlocks).toEqual(['10.151.0.0/16', '10.152.0.0/16']);
    expect(result.requester.cidrBlocks).toEqual(['10.150.0.0/16']);
    const pcx = result.peeringConnectionId;
    for (const routes of Object.values(await routesOf('us-east-1', result.requester.routeTableIds))) {
      expect(routes).toEqual(expect.arrayContaining([`10.151.0.0/16 → ${pcx}`, `10.152.0.0/16 → ${pcx}`]));
    }
    for (const routes of Object.values(await routesOf('eu-west-1', result.accepter.routeTableIds))) {
      expect(routes).toContain(`10.150.0.0/16 → ${pcx}`);
    }
  });

  test("THEN the requester's group and NACL admit HTTPS from both CIDRs, and the accepter's from the requester", async () => {
    expect(await groupRules('us-east-1', result.requester.securityGroupId)).toEqual([
      'in tcp 443-443 10.151.0.0/16',
      'in tcp 443-443 10.152.0.0/16',
      'out tcp 443-443 10.151.0.0/16',
      'out tcp 443-443 10.152.0.0/16',
    ]);
    const inbound = (await aclEntries('us-east-1', result.requester.networkAclIds[0]!)).filter((l) =>
      l.startsWith('in '),
    );
    expect(inbound).toEqual([
      'in 900 6 443-443 10.151.0.0/16',
      'in 901 6 1024-65535 10.151.0.0/16',
      'in 902 6 443-443 10.152.0.0/16',
      'in 903 6 1024-65535 10.152.0.0/16',
    ]);
    expect(await groupRules('eu-west-1', result.accepter.securityGroupId)).toEqual([
      'in tcp 443-443 10.150.0.0/16',
      'out tcp 443-443 10.150.0.0/16',
    ]);
  });

  test('WHEN torn down THEN the existing VPC is exactly as before', async () => {
    await runTeardown(w, { setupWorkflowId: id });
    expect(await vpcSnapshot('eu-west-1', vpcId)).toEqual(before);
  });
});

test('GIVEN an existing VPC whose secondary CIDR overlaps the requester WHEN set up THEN it is bad input naming that CIDR, before any change', async () => {
  const { vpcId } = await existingNetwork({
    region: 'eu-west-1',
    cidrBlock: '10.153.0.0/16',
    secondary: ['10.154.0.0/16'],
  });
  const from = w.calls.length;
  const handle = await startSetup(w, {
    requester: { region: 'us-east-1', cidrBlock: '10.154.0.0/20' },
    accepter: { region: 'eu-west-1', vpcId },
    allow: HTTPS,
  });
  const failure = await applicationFailureOf(handle.result());
  expect({ type: failure.type, nonRetryable: failure.nonRetryable }).toEqual({
    type: 'InvalidPeeringRequest',
    nonRetryable: true,
  });
  expect(failure.message).toBe(
    'accepter.vpcId: secondary CIDR 10.154.0.0/16 overlaps requester 10.154.0.0/20; AWS cannot peer overlapping CIDRs',
  );
  expect(mutatingCallsSince(w, from)).toEqual([]);
});

describe('GIVEN an existing VPC with a private table (Tier=private), a public one (Tier=public) and its untagged main table', () => {
  const id = uniqueId('route-table-tags');
  let vpcId: string;
  let tables: { private: string; public: string; main: string };
  let result: PeeringResult;

  beforeAll(async () => {
    ({ vpcId } = await existingNetwork({ region: 'eu-west-1', cidrBlock: '10.156.0.0/16' }));
    tables = {
      private: await taggedTable('eu-west-1', vpcId, { Tier: 'private', Name: 'dr-private' }),
      public: await taggedTable('eu-west-1', vpcId, { Tier: 'public' }),
      main: await mainTableOf('eu-west-1', vpcId),
    };
    ({ result } = await runSetup(
      w,
      {
        requester: { region: 'us-east-1', cidrBlock: '10.155.0.0/16' },
        accepter: { region: 'eu-west-1', vpcId, routeTableTags: { Tier: 'private' } },
        allow: HTTPS,
      },
      id,
    ));
  });

  test('WHEN peered with routeTableTags Tier=private THEN only the private table routes the peer', async () => {
    const pcx = result.peeringConnectionId;
    expect(result.accepter.routeTableIds).toEqual([tables.private]);
    const routes = await routesOf('eu-west-1', [tables.private, tables.public, tables.main]);
    expect(routes[tables.private]).toContain(`10.155.0.0/16 → ${pcx}`);
    expect(routes[tables.public]!.filter((r) => r.includes(pcx))).toEqual([]);
    expect(routes[tables.main]!.filter((r) => r.includes(pcx))).toEqual([]);
  });

  test('WHEN no table carries the tags THEN it is bad input naming routeTableTags, before any change', async () => {
    const from = w.calls.length;
    const handle = await startSetup(w, {
      requester: { region: 'us-east-1', cidrBlock: '10.157.0.0/16' },
      accepter: { region: 'eu-west-1', vpcId, routeTableTags: { Tier: 'database' } },
      allow: HTTPS,
    });
    const failure = await applicationFailureOf(handle.result());
    expect(failure.type).toBe('InvalidPeeringRequest');
    expect(failure.message).toBe(`accepter.routeTableTags: no route table of ${vpcId} carries Tier=database`);
    expect(mutatingCallsSince(w, from)).toEqual([]);
  });

  afterAll(async () => {
    await runTeardown(w, { setupWorkflowId: id });
  });
});
