/**
 * The setup's default workflow id comes from its two sides, so `npm run client -- setup --file
 * examples/abc-corp.json` run twice builds one network: the second run, under the same id, finds
 * the first one's resources by their `vpc-peering:setup-id` tag and creates nothing new.
 */
import { DescribeVpcPeeringConnectionsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setupDefaultId } from '../../src/cli/default-ids';
import type { PeeringResult } from '../../src/domain/peering/types';
import { SETUP_ID_TAG } from '../../src/domain/aws/tags';
import { cliProcess } from '../support/cli-process';
import { ec2, startTestWorker, uniqueId, type TestWorker } from '../support/harness';

let w: TestWorker;
const { cli, cleanUp } = cliProcess(() => w.taskQueue);

beforeAll(async () => {
  w = await startTestWorker();
});
afterAll(async () => {
  await w?.shutdown();
  cleanUp();
});

const ID = 'peering-us-east-1-10.0.0.0-16-eu-west-1-10.1.0.0-16';
const tagged = (id: string) => [{ Name: `tag:${SETUP_ID_TAG}`, Values: [id] }];

async function networkOf(id: string) {
  const [use1, euw1, peerings] = await Promise.all([
    ec2('us-east-1').send(new DescribeVpcsCommand({ Filters: tagged(id) })),
    ec2('eu-west-1').send(new DescribeVpcsCommand({ Filters: tagged(id) })),
    ec2('us-east-1').send(new DescribeVpcPeeringConnectionsCommand({})),
  ]);
  // Every peering in the region, read by its tags here rather than trusting the emulator's tag filter.
  const live = (peerings.VpcPeeringConnections ?? []).filter(
    (p) =>
      p.Tags?.some((t) => t.Key === SETUP_ID_TAG && t.Value === id) &&
      !['deleted', 'rejected', 'failed'].includes(p.Status?.Code ?? ''),
  );
  return {
    vpcs: [...(use1.Vpcs ?? []), ...(euw1.Vpcs ?? [])].map((v) => v.VpcId).sort(),
    peerings: live.map((p) => p.VpcPeeringConnectionId),
  };
}

describe('client CLI setup: the default id names the two sides', () => {
  it('GIVEN the ABC Corp request WHEN setup runs twice without --id THEN both runs use one id and make ONE network: two VPCs, one peering', async () => {
    expect(
      setupDefaultId({
        requester: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' },
        accepter: { region: 'eu-west-1', cidrBlock: '10.1.0.0/16' },
      }),
    ).toBe(ID);

    const first = await cli(['setup', '--file', 'examples/abc-corp.json', '--wait']);

    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(first.stderr).toContain(`Started SetupInterRegionPeering ${ID}:`);
    const made = JSON.parse(first.stdout) as PeeringResult;

    const second = await cli(['setup', '--file', 'examples/abc-corp.json', '--wait']);

    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`Started SetupInterRegionPeering ${ID}:`);
    const again = JSON.parse(second.stdout) as PeeringResult;
    expect({
      pcx: again.peeringConnectionId,
      vpcs: [again.requester.vpcId, again.accepter.vpcId],
    }).toEqual({ pcx: made.peeringConnectionId, vpcs: [made.requester.vpcId, made.accepter.vpcId] });
    expect(await networkOf(ID)).toEqual({
      vpcs: [made.requester.vpcId, made.accepter.vpcId].sort(),
      peerings: [made.peeringConnectionId],
    });
    const runs = [];
    for await (const r of w.client.workflow.list({ query: `WorkflowId = '${ID}'` })) runs.push(r.status.name);
    expect(runs).toEqual(['COMPLETED', 'COMPLETED']);

    const teardown = await cli(['teardown', '--setup-id', ID, '--wait']);
    expect(teardown.code).toBe(0);
  });

  it('GIVEN a setup still running WHEN the same setup command runs again THEN it says so and starts no second run', async () => {
    // No worker polls this queue: the first run stays running for as long as the test needs.
    const queue = uniqueId('idle-queue');
    const idle = cliProcess(() => queue);
    const request = {
      requester: { region: 'us-east-1', cidrBlock: '10.61.0.0/16' },
      accepter: { region: 'eu-west-1', cidrBlock: '10.62.0.0/16' },
      allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
    };
    const file = path.join(idle.tmp, 'running.json');
    fs.writeFileSync(file, JSON.stringify(request));
    const id = setupDefaultId(request);
    const first = await idle.cli(['setup', '--file', file]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ workflowId: id });

    const second = await idle.cli(['setup', '--file', file]);

    expect(second.code).toBe(0);
    expect(second.stderr).toContain(
      `A setup of 10.61.0.0/16 (us-east-1) ↔ 10.62.0.0/16 (eu-west-1) is already running: SetupInterRegionPeering ${id}`,
    );
    expect(second.stderr).not.toMatch(/^Started /m);
    expect(JSON.parse(second.stdout)).toEqual({
      workflowId: id,
      runId: JSON.parse(first.stdout).runId,
      alreadyRunning: true,
    });
    await w.client.workflow.getHandle(id).terminate('test done: it never had a worker');
    idle.cleanUp();
  });
});
