/**
 * What a setup costs in EC2 calls, on the bench's own request (examples/abc-corp.json): a fresh
 * setup, and the same request again on the topology it made. Terraform's no-change apply of that
 * topology makes 38 calls; a no-change re-run must make under half of them (at most 18), none of them
 * mutating, without the fresh setup paying more than it did (50 calls, 32 mutating). The re-run still
 * reads everything it checks for drift: each side's VPC, DNS attributes, subnets, route tables,
 * group and ACLs, and the peering.
 *
 * Behind the AWS-faithful layer a fresh setup's count varies from run to run: its consistency lags
 * answer NotFound for a moment after a create, and the activities retry (as on AWS). So the fresh
 * setup is counted where the bench counts it, on moto itself; the re-run, which creates nothing and
 * meets no lag, is counted behind the layer as well.
 *
 * The re-run reads a VPC's route tables and ACLs once, in its side rules, which also claim a main
 * table or default ACL still unclaimed (ensureVpc leaves a VPC it finds again to them).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { DeleteTagsCommand, DescribeNetworkAclsCommand, DescribeRouteTablesCommand } from '@aws-sdk/client-ec2';
import { SETUP_ID_TAG } from '../../src/domain/aws/tags';
import { tableTags } from '../support/aws-state';
import { testEnv } from '../support/env';
import { ec2, startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { mutatingCallsSince, runSetup, runTeardown } from '../support/setup-runs';

let layer: TestWorker;
let moto: TestWorker;
beforeAll(async () => {
  [layer, moto] = await Promise.all([startTestWorker(), startTestWorker({ endpoint: testEnv().motoUrl })]);
});
afterAll(async () => {
  await Promise.all([layer?.shutdown(), moto?.shutdown()]);
});

const REQUEST = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../examples/abc-corp.json'), 'utf8'),
) as PeeringRequest;
const READ_ONLY = /^(Describe|List|Get)/;

/** The EC2 calls `w` made since `from`, by operation, and how many of them changed something. */
function ec2CallsSince(w: TestWorker, from: number) {
  const ops = w.calls
    .slice(from)
    .filter((c) => c.service === 'ec2')
    .map((c) => c.operation);
  const byOperation: Record<string, number> = {};
  for (const op of ops) byOperation[op] = (byOperation[op] ?? 0) + 1;
  return { total: ops.length, mutating: ops.filter((op) => !READ_ONLY.test(op)).length, byOperation };
}

/** Sets the request up under a new id, then runs it again; answers both runs' EC2 calls. */
async function setupAndRerun(w: TestWorker) {
  const id = uniqueId('counts');
  let from = w.calls.length;
  const first = await runSetup(w, REQUEST, id);
  const fresh = ec2CallsSince(w, from);
  from = w.calls.length;
  const again = await runSetup(w, REQUEST, id);
  const rerun = ec2CallsSince(w, from);
  await runTeardown(w, { setupWorkflowId: id });
  return { fresh, rerun, same: again.result.peeringConnectionId === first.result.peeringConnectionId };
}

type Counts = Awaited<ReturnType<typeof setupAndRerun>>;

describe('GIVEN the bench request (a new VPC each side, two subnets in the accepter, DNS resolution on)', () => {
  let onMoto: Counts;
  let behindLayer: Counts;
  beforeAll(async () => {
    [onMoto, behindLayer] = await Promise.all([setupAndRerun(moto), setupAndRerun(layer)]);
  });

  test('WHEN set up fresh (counted on moto, as the bench does) THEN it makes at most 50 EC2 calls, 32 of them mutating', () => {
    expect(onMoto.fresh.total).toBeLessThanOrEqual(50);
    expect(onMoto.fresh.mutating).toBeLessThanOrEqual(32);
  });

  test.each([
    ['on moto', () => onMoto],
    ['behind the AWS-faithful layer', () => behindLayer],
  ])(
    'WHEN run again with no change (%s) THEN it finds the same peering with at most 18 EC2 calls (under half of terraform’s 38), none mutating',
    (_where, counts) => {
      expect(counts().same).toBe(true);
      expect(counts().rerun.mutating).toBe(0);
      expect(counts().rerun.total).toBeLessThanOrEqual(18);
    },
  );

  test('WHEN run again THEN it still reads every part it checks for drift on both sides', () => {
    // Per side: the VPC, both DNS attributes, route tables, group and ACLs; the accepter's subnets; the peering.
    for (const { rerun } of [onMoto, behindLayer]) {
      expect(rerun.byOperation).toMatchObject({
        DescribeVpcAttribute: 4,
        DescribeSubnets: 1,
        DescribeRouteTables: 2,
        DescribeSecurityGroups: 2,
        DescribeNetworkAcls: 2,
      });
      expect(rerun.byOperation.DescribeVpcs).toBeGreaterThanOrEqual(2);
      expect(rerun.byOperation.DescribeVpcPeeringConnections).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('GIVEN a set-up network whose requester tables carry no claim (an attempt stopped between CreateVpc and the claim)', () => {
  test('WHEN run again THEN its side rules claim the main table and default ACL again, and nothing else changes', async () => {
    const id = uniqueId('reclaim');
    const { result } = await runSetup(layer, REQUEST, id);
    const { vpcId, region } = result.requester;
    const client = ec2(region);
    const byVpc = { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] };
    const [tables, acls] = await Promise.all([
      client.send(new DescribeRouteTablesCommand(byVpc)),
      client.send(new DescribeNetworkAclsCommand(byVpc)),
    ]);
    const main = tables.RouteTables!.find((t) => t.Associations?.some((a) => a.Main))!.RouteTableId!;
    const acl = acls.NetworkAcls!.find((a) => a.IsDefault)!.NetworkAclId!;
    await client.send(new DeleteTagsCommand({ Resources: [main, acl], Tags: [{ Key: SETUP_ID_TAG }] }));
    expect(await tableTags(region, vpcId)).toContain('rtb main ');

    const from = layer.calls.length;
    await runSetup(layer, REQUEST, id);

    expect(mutatingCallsSince(layer, from)).toEqual([`${region} CreateTags`, `${region} CreateTags`]);
    const claimed = (await tableTags(region, vpcId)).filter((t) => /^(rtb main|acl default) /.test(t));
    expect(claimed).toEqual([`acl default ${SETUP_ID_TAG}=${id}`, `rtb main ${SETUP_ID_TAG}=${id}`]);
    await runTeardown(layer, { setupWorkflowId: id });
  });
});
