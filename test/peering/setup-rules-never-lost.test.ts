/**
 * A rule in the request is in AWS when the setup completes. AWS refuses a security-group batch
 * whole when one permission in it is already there (InvalidPermission.Duplicate) and applies none
 * of the others, so that answer must never be taken as done.
 */
import { DescribeSecurityGroupsCommand, type IpPermission } from '@aws-sdk/client-ec2';
import type { PeeringRequest, PeeringResult } from '../../src/domain/peering/types';

import { type FaultProxy } from '../../harness/fault-proxy';
import { startSuiteFaultProxy } from '../support/faithful/layer';
import { ec2, startTestWorker, type TestWorker } from '../support/harness';
import { runSetup, runTeardown } from '../support/setup-runs';

let proxy: FaultProxy;
let w: TestWorker;
beforeAll(async () => {
  proxy = await startSuiteFaultProxy({ seed: 11 });
  w = await startTestWorker({ endpoint: proxy.url });
});
afterAll(async () => {
  await w?.shutdown();
  await proxy?.close();
});
afterEach(() => proxy.clearRules());

const flat = (perms: IpPermission[] | undefined) =>
  (perms ?? [])
    .flatMap((p) => (p.IpRanges ?? []).map((r) => `${p.IpProtocol} ${p.FromPort}-${p.ToPort} ${r.CidrIp}`))
    .sort();

async function groupRules(side: PeeringResult['requester']) {
  const out = await ec2(side.region).send(new DescribeSecurityGroupsCommand({ GroupIds: [side.securityGroupId] }));
  const group = out.SecurityGroups![0]!;
  return { ingress: flat(group.IpPermissions), egress: flat(group.IpPermissionsEgress) };
}

describe('GIVEN the accepter group’s first ingress batch answered InvalidPermission.Duplicate (as AWS does when one of the batch is there, adding none)', () => {
  test('WHEN the setup runs THEN it reads the group again and authorizes what is still missing: every rule is there', async () => {
    const request: PeeringRequest = {
      requester: { region: 'us-east-1', cidrBlock: '10.88.0.0/16' },
      accepter: { region: 'eu-west-1', cidrBlock: '10.89.0.0/16' },
      allow: [
        { protocol: 'tcp', fromPort: 443, toPort: 443 },
        { protocol: 'tcp', fromPort: 5432, toPort: 5432 },
        { protocol: 'udp', fromPort: 53, toPort: 53 },
      ],
    };
    proxy.setRules([
      {
        action: 'AuthorizeSecurityGroupIngress',
        region: 'eu-west-1',
        kind: 'error',
        status: 400,
        code: 'InvalidPermission.Duplicate',
        message: 'the specified rule already exists',
        count: 1,
      },
    ]);
    const { id, result } = await runSetup(w, request);
    expect(proxy.stats().injected.error).toBe(1);
    const peer = '10.88.0.0/16';
    expect(await groupRules(result.accepter)).toEqual({
      ingress: [`tcp 443-443 ${peer}`, `tcp 5432-5432 ${peer}`, `udp 53-53 ${peer}`],
      egress: [`tcp 443-443 ${peer}`, `tcp 5432-5432 ${peer}`, `udp 53-53 ${peer}`],
    });
    proxy.clearRules();
    await runTeardown(w, { setupWorkflowId: id });
  });
});

describe('GIVEN 443 from the whole peer, 443 from one requester subnet only, and 5432 (different effects)', () => {
  test('WHEN the setup runs THEN each side holds every rule it should: nothing lost to a refused batch', async () => {
    const request: PeeringRequest = {
      requester: { region: 'us-east-1', cidrBlock: '10.90.0.0/16' },
      accepter: { region: 'eu-west-1', cidrBlock: '10.91.0.0/16' },
      allow: [
        { protocol: 'tcp', fromPort: 443, toPort: 443 },
        { protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlock: '10.90.7.0/24' },
        { protocol: 'tcp', fromPort: 5432, toPort: 5432 },
      ],
    };
    const { id, result } = await runSetup(w, request);
    expect(await groupRules(result.accepter)).toEqual({
      ingress: ['tcp 443-443 10.90.0.0/16', 'tcp 443-443 10.90.7.0/24', 'tcp 5432-5432 10.90.0.0/16'],
      egress: ['tcp 443-443 10.90.0.0/16', 'tcp 5432-5432 10.90.0.0/16'],
    });
    expect(await groupRules(result.requester)).toEqual({
      ingress: ['tcp 443-443 10.91.0.0/16', 'tcp 5432-5432 10.91.0.0/16'],
      egress: ['tcp 443-443 10.91.0.0/16', 'tcp 5432-5432 10.91.0.0/16'],
    });
    await runTeardown(w, { setupWorkflowId: id });
  });
});
