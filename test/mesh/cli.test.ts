/**
 * The client's mesh commands as a user runs them: `mesh plan` prints a table per VPC against the
 * quotas and changes nothing (exit 2 past a quota); `mesh setup --wait` shows pairs done out of the
 * total, live; `mesh teardown --wait` removes it all.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { MeshRequest, MeshResult } from '../../src/domain/mesh/types';
import type { TeardownResult } from '../../src/domain/peering/types';
import { cliEnv, runCli, type CliRun } from '../support/cli-process';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { meshLeftovers } from '../support/mesh-state';

const MUTATING = /^(Create|Delete|Accept|Modify|Authorize|Revoke)/;
let w: TestWorker;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-cli-'));

beforeAll(async () => {
  w = await startTestWorker();
});
afterAll(async () => {
  await w?.shutdown();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[]): Promise<CliRun> => runCli(args, cliEnv(w.taskQueue));

function requestFile(name: string, request: unknown): string {
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(request));
  return file;
}

/** The figure rows of one VPC's table: label, scope, now, planned, limit and mark. */
function rowsOf(stdout: string, key: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${key}  `));
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start + 2, end).map((l) => l.trim().replace(/\s{2,}/g, ' | '));
}

describe('mesh plan', () => {
  test('GIVEN examples/mesh.json WHEN planned THEN a table per VPC shows each figure against its quota, it fits, nothing changes, and the exit code is 0', async () => {
    const from = w.calls.length;

    const run = await cli(['mesh', 'plan', '--file', 'examples/mesh.json']);

    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('Mesh plan: 4 VPCs in 3 region(s), 6 peerings (full mesh), 6 to set up');
    expect(run.stdout).toMatch(/use1 ↔ euw1\s+900-902\s+new/);
    // First fit: a pair takes the lowest range free in both its VPCs, so pairs apart share numbers.
    expect(run.stdout).toMatch(/euw1 ↔ apne1\s+906-908\s+new/);
    expect(run.stdout).toMatch(/apne1 ↔ shared\s+900-902\s+new/);
    for (const key of ['use1', 'euw1', 'apne1', 'shared']) {
      expect(rowsOf(run.stdout, key)).toEqual([
        'active peerings per VPC | L-7E9ECCDB | this VPC | 0 | 3 | 50',
        'routes per route table | L-93826ACB | (main table) | 1 | 4 | 50',
        'rules per group and direction | L-0EA8095F | each peering-<pcx> group, per direction | 0 | 2 | 60',
        'NACL entries per direction | L-2AEEBF1A | (default ACL) ingress | 2 | 8 | 20',
        'NACL entries per direction | L-2AEEBF1A | (default ACL) egress | 2 | 8 | 20',
      ]);
    }
    expect(run.stdout).toContain('Fits every quota. Nothing was changed.');
    expect(w.calls.slice(from).filter((c) => MUTATING.test(c.operation))).toEqual([]);
  });

  test('GIVEN 9 VPCs with two rules WHEN planned THEN the tight and over figures are marked, and the exit code is 2', async () => {
    const vpcs: MeshRequest['vpcs'] = {};
    for (let i = 0; i < 9; i++)
      vpcs[`v${i}`] = { region: i % 2 ? 'eu-west-1' : 'us-east-1', cidrBlock: `10.${150 + i}.0.0/16` };
    const file = requestFile('over', {
      vpcs,
      topology: 'full-mesh',
      allow: [
        { protocol: 'tcp', fromPort: 443, toPort: 443 },
        { protocol: 'tcp', fromPort: 22, toPort: 22 },
      ],
    });

    const run = await cli(['mesh', 'plan', '--file', file]);

    expect(run.code).toBe(2);
    // 8 peers x 3 entries + 2: past 20. 9 routes: well inside 50, not marked.
    expect(rowsOf(run.stdout, 'v0')).toEqual(
      expect.arrayContaining([
        'NACL entries per direction | L-2AEEBF1A | (default ACL) ingress | 2 | 26 | 20 | ✖ OVER',
        'routes per route table | L-93826ACB | (main table) | 1 | 9 | 50',
      ]),
    );
    expect(run.stdout).toContain('Past a quota: 18 figure(s). Nothing was changed.');
    expect(run.stdout).toContain('vpcs.v0: Rules per network ACL (L-2AEEBF1A) would be 26 in (default ACL) ingress');

    const tight = await cli([
      'mesh',
      'plan',
      '--file',
      requestFile('tight', {
        ...JSON.parse(fs.readFileSync(file, 'utf8')),
        vpcs: Object.fromEntries(Object.entries(vpcs).slice(0, 7)),
      }),
    ]);
    expect(tight.code).toBe(0);
    // 6 peers x 3 + 2 = 20: at the quota, marked tight.
    expect(rowsOf(tight.stdout, 'v0')).toContain(
      'NACL entries per direction | L-2AEEBF1A | (default ACL) ingress | 2 | 20 | 20 | ◀ tight',
    );
  });

  test('GIVEN a hub that is not one of the VPCs WHEN planned THEN one line names the field and the exit code is 2', async () => {
    const file = requestFile('bad-hub', {
      ...JSON.parse(fs.readFileSync('examples/mesh.json', 'utf8')),
      topology: { hub: 'nope' },
    });

    const run = await cli(['mesh', 'plan', '--file', file]);

    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr.trim()).toBe('InvalidMeshRequest: topology.hub: "nope" is not one of vpcs');
  });
});

describe('mesh setup and teardown', () => {
  test('GIVEN a mesh of 3 WHEN mesh setup --wait runs THEN it shows pairs done out of the total as they finish, and mesh teardown --wait removes it all', async () => {
    const id = uniqueId('cli-mesh');
    const file = requestFile('three', {
      vpcs: {
        a: { region: 'us-east-1', cidrBlock: '10.160.0.0/16' },
        b: { region: 'eu-west-1', cidrBlock: '10.161.0.0/16' },
        c: { region: 'us-east-1', cidrBlock: '10.162.0.0/16' },
      },
      topology: 'full-mesh',
      allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
      maxConcurrent: 1,
    });

    const run = await cli(['mesh', 'setup', '--file', file, '--id', id, '--wait']);

    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as MeshResult;
    expect(result.peerings).toHaveLength(3);
    const lines = stripVTControlCharacters(run.stderr).split('\n');
    expect(lines).toContain(
      `Started SetupPeeringMesh ${id}: Mesh ${id}: 3 VPCs in 2 region(s), 3 peerings (full mesh)`,
    );
    const counts = lines.flatMap((l) => /(\d)\/3 pairs done/.exec(l)?.[1] ?? []);
    // Polled every 500 ms while pairs take a second or more each, one at a time: at least one count
    // between none and all shows, and the count never goes back.
    expect(counts.some((n) => n === '1' || n === '2')).toBe(true);
    expect(counts).toEqual([...counts].sort());
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^✔ SetupPeeringMesh ${id} completed in \\d\\d:\\d\\d: 3 peerings between 3 VPCs: 3 set up now, 0 already there; 3 VPC\\(s\\) created$`,
        ),
      ),
    );

    const down = await cli(['mesh', 'teardown', '--id', id, '--wait']);

    expect(down.code).toBe(0);
    const removed = JSON.parse(down.stdout) as TeardownResult;
    expect(removed.deleted.filter((r) => r.type === 'vpc')).toHaveLength(3);
    expect(stripVTControlCharacters(down.stderr)).toMatch(/[1-3]\/3 pairs torn down/);
    expect(await meshLeftovers(id, ['10.160.0.0/16', '10.161.0.0/16', '10.162.0.0/16'])).toEqual([]);
  });
});
