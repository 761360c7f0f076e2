import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testEnv } from './support/env';
import { applicationFailureOf } from './support/failures';
import { startTestWorker, uniqueId, type TestWorker } from './support/harness';
import { existingNetwork, type VpcSpec } from './support/real-networks';
import { createNetwork, createSource } from './support/database/world';
import { tsNodeCommand } from './support/ts-node';

const WORKFLOWS = [
  'SetupInterRegionPeering',
  'TeardownInterRegionPeering',
  'FailoverToRegion',
  'DrDrill',
  'SetupPeeringMesh',
  'PlanPeeringMesh',
  'TeardownPeeringMesh',
  'PeeringCostReport',
  'ProtectDatabase',
  'UnprotectDatabase',
  'ReprotectDatabase',
] as const;

/** A source database made first: `BackupRetentionPeriod` and `StorageEncrypted` as the case needs. */
interface DatabaseSpec {
  region: string;
  backupRetentionPeriod?: number;
  storageEncrypted?: boolean;
}

/** A VPC with a subnet in each of `zones` (letters after the region): `<P>` is the VPC, `<P>#0`… its subnets. */
interface NetworkSpec {
  region: string;
  octet: number;
  zones: string[];
}

interface BadRequest {
  file: string;
  workflow: (typeof WORKFLOWS)[number];
  /** `reason`, where given, is a part of the message the field's reason must contain. */
  expect: { type: string; field: string; reason?: string };
  /**
   * What must exist in AWS first, for a check that reads it (an existing VPC without an IPv6
   * block): each key is a placeholder in `request`, replaced by the id of the VPC made for it.
   */
  given?: {
    vpcs?: Record<string, VpcSpec>;
    databases?: Record<string, DatabaseSpec>;
    networks?: Record<string, NetworkSpec>;
  };
  request: unknown;
}

/** The request with each `given` VPC made (outside the workflow) and its placeholder replaced. */
async function withGiven(c: BadRequest): Promise<unknown> {
  let text = JSON.stringify(c.request);
  for (const [placeholder, spec] of Object.entries(c.given?.vpcs ?? {})) {
    const { vpcId } = await existingNetwork(spec);
    text = text.split(placeholder).join(vpcId);
  }
  for (const [placeholder, spec] of Object.entries(c.given?.databases ?? {})) {
    const id = uniqueId('bad-db');
    await createSource(
      id,
      {
        ...(spec.backupRetentionPeriod === undefined ? {} : { BackupRetentionPeriod: spec.backupRetentionPeriod }),
        ...(spec.storageEncrypted ? { StorageEncrypted: true } : {}),
      },
      spec.region,
    );
    text = text.split(placeholder).join(id);
  }
  for (const [placeholder, spec] of Object.entries(c.given?.networks ?? {})) {
    const made = await createNetwork(spec.octet, spec.zones, spec.region);
    made.subnetIds.forEach((subnet, i) => (text = text.split(`${placeholder}#${i}`).join(subnet)));
    text = text.split(placeholder).join(made.vpcId);
  }
  return JSON.parse(text);
}

const DIR = path.join(__dirname, 'fixtures', 'bad-requests');
const corpus: BadRequest[] = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({
    file,
    ...(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Omit<BadRequest, 'file'>),
  }));
const byFile = (file: string): BadRequest => {
  const found = corpus.find((c) => c.file === file);
  if (!found) throw new Error(`no fixture ${file}`);
  return found;
};

/** The kinds of bad setup input the foundation must reject, each with the fixture that shows it. */
const REQUIRED_SETUP_CASES: Record<string, string> = {
  'malformed CIDR': 'setup-malformed-cidr.json',
  'prefix wider than /16': 'setup-prefix-wider-than-16.json',
  'prefix narrower than /28': 'setup-prefix-narrower-than-28.json',
  'overlapping CIDRs': 'setup-overlapping-cidrs.json',
  'same VPC on both sides': 'setup-same-vpc-both-sides.json',
  'unknown region': 'setup-unknown-region.json',
  'both vpcId and cidrBlock': 'setup-both-vpcid-and-cidr.json',
  'neither vpcId nor cidrBlock': 'setup-neither-vpcid-nor-cidr.json',
  'bad protocol': 'setup-bad-protocol-all.json',
  'bad port range': 'setup-port-range-reversed.json',
  'empty allow': 'setup-empty-allow.json',
  'allow wider than the peer CIDR': 'setup-allow-wider-than-peer.json',
  'allow open to 0.0.0.0/0': 'setup-allow-open-to-world.json',
  'both routeTableIds and routeTableTags': 'setup-route-table-ids-and-tags.json',
  'ipv6 with a VPC that has no IPv6 block': 'setup-ipv6-vpc-without-ipv6-block.json',
  'peeringConnectionId with a cidrBlock side': 'setup-adopt-with-cidr-side.json',
  'a malformed externalId': 'setup-external-id-malformed.json',
  'an overlap on a secondary CIDR': 'setup-secondary-cidr-overlap.json',
};

const READ_ONLY = /^(Describe|List|Get)/;

describe('bad-input corpus (test/fixtures/bad-requests)', () => {
  it('GIVEN the corpus WHEN it is read THEN it holds at least 30 well-formed cases covering every workflow', () => {
    const perWorkflow = Object.fromEntries(WORKFLOWS.map((w) => [w, corpus.filter((c) => c.workflow === w).length]));

    expect(corpus.length).toBeGreaterThanOrEqual(30);
    for (const w of WORKFLOWS)
      expect({ workflow: w, atLeastOne: perWorkflow[w]! > 0 }).toEqual({ workflow: w, atLeastOne: true });
    for (const c of corpus) {
      expect({
        file: c.file,
        workflow: WORKFLOWS.includes(c.workflow),
        type: typeof c.expect?.type,
        field: typeof c.expect?.field,
        request: c.request !== undefined,
      }).toEqual({ file: c.file, workflow: true, type: 'string', field: 'string', request: true });
    }
  });

  it("GIVEN the foundation's list of bad setup inputs WHEN the corpus is checked THEN each kind has a SetupInterRegionPeering case", () => {
    const missing = Object.entries(REQUIRED_SETUP_CASES).filter(
      ([, file]) => corpus.find((c) => c.file === file)?.workflow !== 'SetupInterRegionPeering',
    );

    expect(missing).toEqual([]);
    expect(corpus.filter((c) => c.workflow === 'SetupInterRegionPeering').length).toBeGreaterThanOrEqual(12);
  });

  describe('against the real workflows on the dev server', () => {
    let worker: TestWorker;

    beforeAll(async () => {
      worker = await startTestWorker();
    }, 120_000);

    afterAll(async () => {
      await worker?.shutdown();
    });

    it.each(corpus.map((c) => [c.file, c] as const))(
      'GIVEN %s WHEN its workflow runs THEN it fails with the expected type, names the field, and made no mutating AWS call',
      async (_file, c) => {
        const request = await withGiven(c);
        const before = worker.calls.length;
        const handle = await worker.client.workflow.start(c.workflow, {
          taskQueue: worker.taskQueue,
          workflowId: uniqueId('bad-input'),
          args: [request],
        });

        const failure = await applicationFailureOf(handle.result());

        expect({ type: failure.type, nonRetryable: failure.nonRetryable }).toEqual({
          type: c.expect.type,
          nonRetryable: true,
        });
        expect(failure.message).toContain(`${c.expect.field}:`);
        if (c.expect.reason) expect(failure.message).toContain(c.expect.reason);
        const mutating = worker.calls.slice(before).filter((call) => !READ_ONLY.test(call.operation));
        expect(mutating).toEqual([]);
      },
    );
  });

  describe('at the client CLI', () => {
    const CLI_CASES: Array<{ command: string; file: string }> = [
      { command: 'setup', file: 'setup-malformed-cidr.json' },
      { command: 'setup', file: 'setup-overlapping-cidrs.json' },
      { command: 'setup', file: 'setup-empty-allow.json' },
      { command: 'setup', file: 'setup-allow-open-to-world.json' },
      { command: 'setup', file: 'setup-route-table-ids-and-tags.json' },
      { command: 'setup', file: 'setup-external-id-malformed.json' },
      { command: 'setup', file: 'setup-adopt-with-cidr-side.json' },
      { command: 'failover', file: 'failover-replica-not-in-target-region.json' },
      { command: 'failover', file: 'failover-recovered-when-duplicate-signal.json' },
      { command: 'drill', file: 'drill-negative-rto-target.json' },
      { command: 'mesh setup', file: 'mesh-overlapping-cidrs.json' },
      { command: 'mesh plan', file: 'mesh-hub-not-a-vpc.json' },
      { command: 'cost', file: 'cost-end-before-start.json' },
      { command: 'protect', file: 'protect-replica-in-source-region.json' },
      { command: 'protect', file: 'protect-allow-from-world.json' },
      { command: 'reprotect', file: 'reprotect-same-region.json' },
    ];
    const results = new Map<string, { code: number | null; stdout: string; stderr: string }>();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-cli-'));

    /**
     * The client as a user runs it; TEMPORAL_ADDRESS is the run's server, so an unchecked request
     * would really start.
     */
    function runClient(
      command: string,
      requestFile: string,
    ): Promise<{ code: number | null; stdout: string; stderr: string }> {
      const env = {
        ...process.env,
        TEMPORAL_ADDRESS: testEnv().temporalAddress,
        TEMPORAL_TASK_QUEUE: uniqueId('bad-input-cli'),
      };
      const [node, args] = tsNodeCommand('src/client.ts', [...command.split(' '), '--file', requestFile]);
      const child = spawn(node, args, { cwd: path.join(__dirname, '..'), env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      return new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    }

    beforeAll(async () => {
      await Promise.all(
        CLI_CASES.map(async ({ command, file }) => {
          const requestFile = path.join(tmp, file);
          fs.writeFileSync(requestFile, JSON.stringify(byFile(file).request, null, 2));
          results.set(file, await runClient(command, requestFile));
        }),
      );
    }, 120_000);

    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it.each(CLI_CASES.map((c) => [c.command, c.file] as const))(
      'GIVEN %s --file %s WHEN the client runs THEN it prints one line naming the field, no stack trace, and exits 2',
      (_command, file) => {
        const { code, stdout, stderr } = results.get(file)!;
        const lines = stderr.split('\n').filter((l) => l.trim() !== '');

        expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(byFile(file).expect.type);
        expect(lines[0]).toContain(`${byFile(file).expect.field}:`);
        expect(stderr).not.toMatch(/^\s+at /m);
      },
    );
  });
});
