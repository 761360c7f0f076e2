/**
 * DrDrill on the real dev server against moto: drift planted with direct EC2 calls, repair, the
 * rehearsal and its RTO, a deleted peering, a Schedule driven through the client CLI's commands,
 * and the visibility query on DrillOutcome over every drill of this file. The requests checked
 * before anything runs are in dr-drill-requests.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandContext } from '../../src/cli/peering-commands';
import { drillsCommand, recentDrills, scheduleCommand } from '../../src/cli/drill-commands';
import { UsageError } from '../../src/cli/output';
import type { DrillFailover, DrillReport, DrillRequest } from '../../src/domain/drill/types';
import type { PeeringResult } from '../../src/domain/peering/types';
import { vpcSnapshot } from '../support/aws-state';
import { inProcessCli } from '../support/drill/cli';
import {
  abcDrillRequest,
  abcDrillWorld,
  deletedPeering,
  plantDrift,
  zoneRecords,
  type PlantedDrift,
} from '../support/drill/fixtures';
import { waitFor } from '../../harness/stack';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';

let w: TestWorker;
let setupId: string;
let setup: PeeringResult;
let failover: DrillFailover;
let pristine: { requester: string[]; accepter: string[] };
let records: string[];
const failedDrills: string[] = [];
const passedDrills: string[] = [];

const snapshot = async () => ({
  requester: await vpcSnapshot(setup.requester.region, setup.requester.vpcId),
  accepter: await vpcSnapshot(setup.accepter.region, setup.accepter.vpcId),
});

beforeAll(async () => {
  w = await startTestWorker();
  setupId = uniqueId('abc-setup');
  ({ setup, failover } = await abcDrillWorld(w, setupId));
  pristine = await snapshot();
  records = await zoneRecords(failover.hostedZoneId);
});
afterAll(async () => {
  await w?.shutdown();
});

const request = (over: Partial<DrillRequest> = {}): DrillRequest => abcDrillRequest(setupId, failover, over);

async function drill(req: DrillRequest): Promise<{ id: string; report: DrillReport }> {
  const id = uniqueId('drill');
  const report = (await w.client.workflow.execute('DrDrill', {
    taskQueue: w.taskQueue,
    workflowId: id,
    args: [req],
  })) as DrillReport;
  (report.outcome === 'failed' ? failedDrills : passedDrills).push(id);
  return { id, report };
}

const check = (report: DrillReport, name: string) => report.checks.find((c) => c.name === name);
const okOf = (report: DrillReport) => Object.fromEntries(report.checks.map((c) => [c.name, c.ok]));

/** The four planted items, as the drill must report them. */
function expectPlanted(items: DrillReport['drift'], planted: PlantedDrift): void {
  expect(items).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        resource: planted.routeTableId,
        region: 'us-east-1',
        what: 'route to 10.1.0.0/16',
        actual: 'missing',
      }),
      expect.objectContaining({
        resource: planted.accepterGroupId,
        region: 'eu-west-1',
        what: 'ingress rule tcp 5432-5432 from 10.0.0.0/16',
        actual: 'missing',
      }),
      expect.objectContaining({
        resource: planted.requesterAclId,
        region: 'us-east-1',
        what: 'ingress entry 900',
        actual: 'missing',
      }),
      expect.objectContaining({
        resource: planted.requesterGroupId,
        region: 'us-east-1',
        what: 'ingress rule tcp 22-22 from 0.0.0.0/0',
        actual: 'present',
      }),
    ]),
  );
}

describe('GIVEN the ABC Corp peering set up by SetupInterRegionPeering, a hosted zone and a cross-region replica', () => {
  test('WHEN drift is planted out of band AND a drill runs without repairDrift THEN it reports each item, fails, and changes nothing', async () => {
    const planted = await plantDrift(setup);
    const before = await snapshot();

    const { report } = await drill(request());

    expect(report.outcome).toBe('failed');
    expect(report.peeringConnectionId).toBe(setup.peeringConnectionId);
    expectPlanted(report.drift, planted);
    expect(report.drift).toHaveLength(4);
    expect(report.repaired).toEqual([]);
    expect(okOf(report)).toMatchObject({
      'peering-active': true,
      'dns-resolution': true,
      routes: false,
      'security-group-rules': false,
      'network-acl-entries': false,
    });
    expect(await snapshot()).toEqual(before);
  });

  test('WHEN the same drift is there AND a drill runs with repairDrift THEN exactly the drifted items are put back, and a following drill passes', async () => {
    const planted = await plantDrift(setup);
    expect(await snapshot()).not.toEqual(pristine);

    const repairing = await drill(request({ repairDrift: true }));

    expectPlanted(repairing.report.drift, planted);
    expectPlanted(repairing.report.repaired, planted);
    expect(repairing.report.repaired).toHaveLength(4);
    expect(repairing.report.repairFailures).toEqual([]);
    expect(await snapshot()).toEqual(pristine);
    expect(repairing.report.checks.slice(0, 5).every((c) => c.ok)).toBe(true);

    const { report } = await drill(request());

    expect(report.outcome).toBe('passed');
    expect(report.drift).toEqual([]);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.failover?.outcome).toBe('completed');
    expect(report.failover?.drill).toBe(true);
    expect(report.failback?.outcome).toBe('completed');
    expect(report.rtoSeconds).toEqual(expect.any(Number));
    expect(report.rtoSeconds!).toBeLessThanOrEqual(300);
    // Without rehearsePromotion, the RTO is the rehearsed switch alone, and the report says so.
    expect(report.rtoParts).toEqual([
      {
        name: 'switch',
        seconds: report.failover!.rtoSeconds,
        measuredBy: expect.stringMatching(/^failover rehearsal /),
      },
    ]);
    expect(report.rtoSeconds).toBe(report.failover!.rtoSeconds);
    expect(report.rtoSummary).toMatch(/^rtoSeconds [\d.]+ = switch [\d.]+ s\. No promotion was rehearsed/);
    // Rehearsals only: the production record is as it was and no drill record is left.
    expect(await zoneRecords(failover.hostedZoneId)).toEqual(records);
  });

  test('WHEN the RTO target is 0 s THEN the drill fails on the RTO alone, with the measured RTO in the report', async () => {
    const { report } = await drill(request({ rtoTargetSeconds: 0, repairDrift: true }));

    expect(report.outcome).toBe('failed');
    expect(report.rtoTargetSeconds).toBe(0);
    expect(report.rtoSeconds).toBeGreaterThan(0);
    expect(check(report, 'rto')).toEqual({
      name: 'rto',
      ok: false,
      detail: expect.stringContaining(`${report.rtoSeconds} s measured, target 0 s`),
    });
    expect(report.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['rto']);
  });
});

describe('GIVEN a peering that has been deleted', () => {
  test('WHEN it is drilled with repairDrift THEN the drill completes with a failed report saying so, repairs nothing and rehearses nothing', async () => {
    const pcx = await deletedPeering();

    const { report } = await drill(
      request({
        peering: { peeringConnectionId: pcx, requesterRegion: 'us-east-1', accepterRegion: 'eu-west-1' },
        repairDrift: true,
      }),
    );

    expect(report.outcome).toBe('failed');
    expect(report.peeringConnectionId).toBe(pcx);
    expect(report.repaired).toEqual([]);
    expect(report.repairFailures).toEqual([
      { item: expect.objectContaining({ resource: pcx }), error: 'no automatic repair; needs a person' },
    ]);
    expect(check(report, 'peering-active')).toEqual({
      name: 'peering-active',
      ok: false,
      detail: expect.stringMatching(/is (deleted|not found)/),
    });
    expect(report.drift).toEqual([expect.objectContaining({ resource: pcx, expected: 'active' })]);
    expect(report.failover).toBeNull();
    expect(report.failback).toBeNull();
    expect(report.rtoSeconds).toBeNull();
    expect(report.rtoParts).toEqual([]);
    expect(report.rtoSummary).toMatch(/^rtoSeconds not measured/);
    expect(report.checks.every((c) => !c.ok)).toBe(true);
  });

  test('WHEN the drill names a setup that does not exist THEN it completes with a failed report naming it', async () => {
    const { report } = await drill(request({ peering: { setupWorkflowId: 'no-such-setup' } }));

    expect(report.outcome).toBe('failed');
    expect(report.peeringConnectionId).toBeNull();
    expect(check(report, 'peering-active')?.detail).toContain('no setup workflow with id no-such-setup');
  });
});

describe('GIVEN the client CLI on the real dev server', () => {
  let ctx: CommandContext;
  let file: string;
  beforeAll(() => {
    ctx = { client: async () => w.client, namespace: 'default', taskQueue: w.taskQueue };
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'drill-')), 'drill.json');
    fs.writeFileSync(file, JSON.stringify(request({ repairDrift: true })));
  });
  const { cli, describeSchedule } = inProcessCli(() => ctx);

  test('WHEN a schedule is created, triggered, listed, paused, unpaused and deleted THEN each works, and the triggered drill completes', async () => {
    const name = uniqueId('weekly');
    expect((await cli(scheduleCommand, ['create', '--name', name, '--every', '7d', '--file', file])).code).toBe(0);

    const created = await describeSchedule(name);
    expect(created).toMatchObject({
      scheduleId: `dr-drill-${name}`,
      paused: false,
      every: '7d',
      workflowType: 'DrDrill',
      taskQueue: w.taskQueue,
    });
    expect(created.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 600_000 });
    expect(created.request).toMatchObject({ name, peering: { setupWorkflowId: setupId } });

    await cli(scheduleCommand, ['trigger', name]);
    let workflowId = '';
    await waitFor(
      async () => {
        workflowId =
          ((await describeSchedule(name)).recentWorkflows as Array<{ workflowId: string }>)[0]?.workflowId ?? '';
        return workflowId !== '';
      },
      { what: 'the triggered drill to start', timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(workflowId.startsWith(`dr-drill-${name}-`)).toBe(true);
    const report = (await w.client.workflow.getHandle(workflowId).result()) as DrillReport;
    expect(report).toMatchObject({ name, outcome: 'passed' });
    passedDrills.push(workflowId);

    // Schedule listing is read from visibility, so it may lag a moment behind the create.
    await waitFor(async () => (await cli(scheduleCommand, ['list', '--json'])).out.includes(`"dr-drill-${name}"`), {
      what: 'the schedule to be listed',
      timeoutMs: 20_000,
      intervalMs: 500,
    });

    await cli(scheduleCommand, ['pause', name, '--note', 'maintenance window']);
    expect(await describeSchedule(name)).toMatchObject({ paused: true, note: 'maintenance window' });
    await cli(scheduleCommand, ['unpause', name]);
    expect(await describeSchedule(name)).toMatchObject({ paused: false });
    await cli(scheduleCommand, ['delete', name]);
    await expect(cli(scheduleCommand, ['describe', name])).rejects.toThrow(UsageError);
  });

  test('WHEN drills are listed by the visibility query DrillOutcome="failed" THEN every failed drill of this run is found, and no passed one', async () => {
    expect(failedDrills.length).toBeGreaterThanOrEqual(3);
    let failed: string[] = [];
    await waitFor(
      async () => {
        failed = (await recentDrills(w.client, 200, 'failed')).map((d) => d.workflowId);
        return failedDrills.every((id) => failed.includes(id));
      },
      { what: 'visibility to show the failed drills', timeoutMs: 20_000, intervalMs: 500 },
    );

    expect(failed).toEqual(expect.arrayContaining(failedDrills));
    expect(failed.filter((id) => passedDrills.includes(id))).toEqual([]);
    const { out } = await cli(drillsCommand, ['--last', '200', '--json']);
    const listed = JSON.parse(out) as Array<{ workflowId: string; outcome: string; rtoSeconds: number | null }>;
    const passed = listed.find((d) => d.workflowId === passedDrills[0]);
    expect(passed).toMatchObject({ outcome: 'passed', rtoSeconds: expect.any(Number) });
  });
});
