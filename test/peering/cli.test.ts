/**
 * The client CLI as a script or a person uses it: the JSON result on stdout, live progress on
 * stderr (plain lines in a pipe, a redrawn step list on a terminal), a summary line, and exit codes
 * 0 success / 1 failed run / 2 bad input.
 */
import { CreateVpcCommand, CreateVpcPeeringConnectionCommand } from '@aws-sdk/client-ec2';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { PeeringResult, TeardownResult } from '../../src/domain/peering/types';
import { SETUP_STEPS } from '../../src/domain/peering/setup-stages';
import { cliProcess } from '../support/cli-process';
import { ec2, startTestWorker, uniqueId, type TestWorker } from '../support/harness';

/** abc-corp.json asks for no flow logs, so its setup never shows that step. */
const STEPS_SHOWN = SETUP_STEPS.filter((s) => s !== 'flow-logs');

let w: TestWorker;
const { cli, cliOnTerminal, tmp, cleanUp } = cliProcess(() => w.taskQueue);

beforeAll(async () => {
  w = await startTestWorker();
});
afterAll(async () => {
  await w?.shutdown();
  cleanUp();
});

const plain = (text: string) => stripVTControlCharacters(text);

describe('client CLI --wait', () => {
  it('GIVEN stderr is a pipe WHEN setup --wait runs THEN each step is a plain line with the elapsed time, a summary line follows, and stdout is the JSON result', async () => {
    const id = uniqueId('cli-setup');

    const run = await cli(['setup', '--file', 'examples/abc-corp.json', '--id', id, '--wait']);

    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const result = JSON.parse(run.stdout) as PeeringResult;
    expect(result).toMatchObject({ status: 'active', peeringConnectionId: expect.stringMatching(/^pcx-/) });
    const lines = plain(run.stderr).split('\n');
    expect(lines).toContain(
      `Started SetupInterRegionPeering ${id}: Peer 10.0.0.0/16 (us-east-1) ↔ 10.1.0.0/16 (eu-west-1)`,
    );
    expect(lines.filter((l) => /flow-logs/.test(l))).toEqual([]);
    const done = STEPS_SHOWN.map((step) =>
      lines.findIndex((l) => new RegExp(`^✔ \\[\\d\\d:\\d\\d\\] ${step}\\b`).test(l)),
    );
    expect(done.every((i) => i >= 0)).toBe(true);
    expect([...done].sort((a, b) => a - b)).toEqual(done);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^✔ SetupInterRegionPeering ${id} completed in \\d\\d:\\d\\d: ${result.peeringConnectionId} is active between vpc-\\S+ \\(us-east-1\\) and vpc-\\S+ \\(eu-west-1\\); ${result.created.length} resource\\(s\\) created$`,
        ),
      ),
    );
    expect(await (await w.client.workflow.getHandle(id).describe()).staticSummary()).toBe(
      'Peer 10.0.0.0/16 (us-east-1) ↔ 10.1.0.0/16 (eu-west-1)',
    );

    const teardown = await cli(['teardown', '--setup-id', id, '--wait']);

    expect(teardown.code).toBe(0);
    const removed = JSON.parse(teardown.stdout) as TeardownResult;
    expect(removed.deleted).toHaveLength(result.created.length);
    expect(plain(teardown.stderr)).toMatch(
      new RegExp(
        `✔ TeardownInterRegionPeering teardown-${id}-\\w+ completed in \\d\\d:\\d\\d: deleted ${result.created.length}, 0 already gone`,
      ),
    );
    const teardownId = /Started TeardownInterRegionPeering (\S+):/.exec(teardown.stderr)?.[1];
    expect(await (await w.client.workflow.getHandle(teardownId!).describe()).staticSummary()).toBe(`Tear down ${id}`);
  });

  it('GIVEN stderr is a terminal WHEN setup --wait runs THEN the step list is drawn with durations and stdout still holds only the JSON result', async () => {
    const id = uniqueId('cli-tty');

    const run = await cliOnTerminal(['setup', '--file', 'examples/abc-corp.json', '--id', id, '--wait']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'active' });
    expect(run.stderr).toContain('\x1b['); // drawn with cursor movement, not plain lines
    const screen = plain(run.stderr);
    for (const step of STEPS_SHOWN) expect(screen).toMatch(new RegExp(`✔ ${step} \\[[\\d.]+m?s\\]`));
    expect(screen).not.toMatch(/flow-logs/);
    expect(screen).toMatch(new RegExp(`✔ SetupInterRegionPeering ${id} · \\d\\d:\\d\\d · \\d+ resource\\(s\\)`));
    expect(screen).toMatch(new RegExp(`✔ SetupInterRegionPeering ${id} completed in \\d\\d:\\d\\d`));
    await cli(['teardown', '--setup-id', id, '--wait']);
  });

  it('GIVEN a peering that no setup created WHEN teardown --wait is asked to remove it THEN the run fails, the reason is printed and the exit code is 1', async () => {
    const [a, b] = await Promise.all([
      ec2('us-east-1').send(new CreateVpcCommand({ CidrBlock: '10.70.0.0/16' })),
      ec2('eu-west-1').send(new CreateVpcCommand({ CidrBlock: '10.71.0.0/16' })),
    ]);
    const pcx = await ec2('us-east-1').send(
      new CreateVpcPeeringConnectionCommand({ VpcId: a.Vpc!.VpcId, PeerVpcId: b.Vpc!.VpcId, PeerRegion: 'eu-west-1' }),
    );
    const id = pcx.VpcPeeringConnection!.VpcPeeringConnectionId!;

    const run = await cli([
      'teardown',
      '--peering',
      id,
      '--requester-region',
      'us-east-1',
      '--accepter-region',
      'eu-west-1',
      '--wait',
    ]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(plain(run.stderr)).toMatch(
      new RegExp(
        `✖ TeardownInterRegionPeering \\S+ failed after \\d\\d:\\d\\d:\n {2}activity findSetupResources failed\n {2}caused by NotCreatedBySetup: ${id} has no vpc-peering:setup-id tag`,
      ),
    );
  });

  it('GIVEN a request naming a VPC that does not exist WHEN setup --wait runs THEN the workflow rejects it and the exit code is 2 (bad input)', async () => {
    const file = path.join(tmp, 'missing-vpc.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        requester: { region: 'us-east-1', vpcId: 'vpc-0123456789abcdef0' },
        accepter: { region: 'eu-west-1', cidrBlock: '10.72.0.0/16' },
        allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
      }),
    );

    const run = await cli(['setup', '--file', file, '--wait']);

    expect(run.code).toBe(2);
    expect(plain(run.stderr)).toMatch(
      /InvalidPeeringRequest: requester\.vpcId: vpc-0123456789abcdef0 does not exist in us-east-1/,
    );
  });

  it('GIVEN no request file WHEN setup runs THEN it stops before contacting Temporal with exit code 2', async () => {
    const run = await cli(['setup', '--wait']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/setup needs --file/);
  });
});
