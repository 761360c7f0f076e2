/**
 * The lifecycle's way back: after ProtectDatabase and a failover, a failback onto the stale old
 * primary is refused; after ReprotectDatabase, a planned failback fences the writers, waits until
 * the re-protected replica's ReplicaLag reads 0 in a period after the fence (the test puts that
 * datapoint, as nothing publishes RDS metrics here), promotes it and switches, with RPO 0. A drain
 * that does not reach 0 in time puts the fence back, promotes nothing and leaves DNS alone.
 */
import type { ProtectionReport } from '../../src/domain/database/types';
import { firstPeriodAfter } from '../../src/domain/failover/planned';
import type { FailoverProgress, FailoverReport, FailoverRequest } from '../../src/domain/failover/types';
import { afterFailover } from '../support/database/after-failover';
import { sleep, useDatabaseSuite } from '../support/database/suite';
import { DR_REGION, instance, putLag, SOURCE_REGION } from '../support/database/world';
import { testEnv } from '../support/env';
import { MotoFailoverFixture, FROM, TO } from '../support/failover/fixture';
import { PilotLightFixture } from '../support/pilot-light-fixture';

const suite = useDatabaseSuite();
const protect = (request: unknown) => suite.run<ProtectionReport>('ProtectDatabase', request);
const stepOf = (r: FailoverReport, name: string) => r.steps.find((s) => s.name === name);

/** Waits until the run's fence step has ended, and answers when it did. */
async function fenceEnd(handle: Awaited<ReturnType<typeof suite.start>>, step: string): Promise<Date> {
  for (let i = 0; i < 300; i++) {
    const p = await handle.query<FailoverProgress>('progress').catch(() => undefined);
    const fence = p?.steps.find((s) => s.name === step);
    if (fence) return new Date(fence.finishedAt);
    await sleep(100);
  }
  throw new Error(`${handle.workflowId} never ended its fence`);
}

describe('GIVEN a database protected, failed over to eu-west-1, and the app on eu-west-1', () => {
  test('WHEN failing back onto the old primary THEN it is refused; AND after ReprotectDatabase a planned failback drains to RPO 0, promotes the new replica and switches', async () => {
    // GIVEN the lifecycle so far: protected, and the replica promoted in eu-west-1
    const world = await afterFailover('failback', 231, protect, suite.proxy.url);
    const moto = new MotoFailoverFixture(testEnv().motoUrl);
    const pilot = new PilotLightFixture(testEnv().motoUrl);
    const writers = await pilot.group(DR_REGION, { min: 0, max: 4, desired: 2 });
    const zoneName = `${world.oldPrimary.dbInstanceIdentifier}.example.`;
    const [peeringConnectionId, zoneId] = await Promise.all([moto.peering(), moto.zone(zoneName)]);
    const [home, dr] = [`primary-alb.${SOURCE_REGION}.elb.amazonaws.com`, `dr-alb.${DR_REGION}.elb.amazonaws.com`];
    const recordName = `app.${zoneName}`;
    await moto.upsert(zoneId, recordName, dr);
    const failback: FailoverRequest = {
      hostedZoneId: zoneId,
      recordName,
      recordType: 'CNAME',
      from: { region: DR_REGION, value: dr },
      to: { region: SOURCE_REGION, value: home },
      peeringConnectionId,
      promoteReplica: { ...world.oldPrimary },
      mode: 'planned',
      scale: [{ kind: 'autoscaling', region: DR_REGION, name: writers, desiredCapacity: 0, when: 'fence' }],
      drainTimeout: '2m',
    };

    // WHEN failing back before re-protection: the old primary is stale
    const refused = await suite.run<FailoverReport>('FailoverToRegion', failback);

    // THEN it is refused in preflight, and nothing changed: the record, the writers, the old primary
    expect(refused.outcome).toBe('failed');
    expect(refused.reason).toMatch(/is not a read replica .*re-protect the old primary first/);
    expect(await moto.values(zoneId, recordName)).toEqual([dr]);

    // WHEN the old region is re-protected: a replica of the new primary under the old name
    const reprotected = await suite.run<ProtectionReport>('ReprotectDatabase', {
      primary: world.primary,
      oldPrimary: world.oldPrimary,
    });
    expect(reprotected.replica).toMatchObject(world.oldPrimary);
    // AND the planned failback runs; the lag reads 0 in a period after the fence
    const handle = await suite.start('FailoverToRegion', failback);
    const fenced = await fenceEnd(handle, `scale:${DR_REGION}:${writers}`);
    await sleep(1_500);
    const putAt = new Date();
    await putLag(
      world.oldPrimary.dbInstanceIdentifier,
      0,
      new Date(firstPeriodAfter(fenced).getTime() + 1_000),
      SOURCE_REGION,
    );
    const report = (await handle.result()) as FailoverReport;

    // THEN it completed with no data lost: drained to 0 after the fence, and only then promoted
    expect({ outcome: report.outcome, reason: report.reason }).toEqual({ outcome: 'completed', reason: undefined });
    expect(report.rpo).toMatchObject({ seconds: 0, basis: 'drained', replicationStatus: 'replicating' });
    const drain = stepOf(report, 'drain')!;
    expect(drain.outcome).toBe('ok');
    expect(Date.parse(drain.finishedAt)).toBeGreaterThanOrEqual(putAt.getTime());
    expect(Date.parse(stepOf(report, 'promote-replica')!.startedAt)).toBeGreaterThanOrEqual(
      Date.parse(drain.finishedAt),
    );
    expect(report.promotion).toBe('promoted');
    // AND the writers in eu-west-1 stay fenced, us-east-1 is the writer, and traffic is home
    expect(report.steps.map((s) => s.name)).toEqual([
      'preflight',
      'approval',
      `scale:${DR_REGION}:${writers}`,
      'drain',
      'promote-replica',
      'switch-record',
      'verify-record',
    ]);
    expect((await instance(SOURCE_REGION, world.oldPrimary.dbInstanceIdentifier))?.DBInstanceStatus).toBe('available');
    expect(await moto.values(zoneId, recordName)).toEqual([home]);
    expect(await pilot.groupNow(DR_REGION, writers)).toMatchObject({ desired: 0 });
  });
});

describe('GIVEN a planned failover whose replica does not drain', () => {
  test('WHEN the drain times out THEN the fence is put back, nothing is promoted, and DNS is unchanged', async () => {
    // GIVEN a replica still 7 s behind after the fence, and the writers in us-east-1
    const moto = new MotoFailoverFixture(testEnv().motoUrl);
    const pilot = new PilotLightFixture(testEnv().motoUrl);
    const [world, writers] = await Promise.all([moto.world(), pilot.group(FROM, { min: 0, max: 4, desired: 2 })]);
    const replicaId = world.request.promoteReplica!.dbInstanceIdentifier;
    await putLag(replicaId, 7, new Date(Date.now() + 90_000), TO);

    // WHEN the planned failover runs with a short drain timeout
    const report = await suite.run<FailoverReport>('FailoverToRegion', {
      ...world.request,
      mode: 'planned',
      drainTimeout: '4s',
      scale: [{ kind: 'autoscaling', region: FROM, name: writers, desiredCapacity: 0, when: 'fence' }],
    });

    // THEN it failed at the drain, naming what it saw
    expect(report.outcome).toBe('failed');
    expect(report.reason).toMatch(
      /did not drain within 4s after the fence \(ReplicaLag 7 s at .*\); the fence was put back/,
    );
    expect(report.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['preflight', 'ok'],
      ['approval', 'ok'],
      [`scale:${FROM}:${writers}`, 'ok'],
      ['drain', 'failed'],
      ['unfence', 'ok'],
    ]);
    // AND the writers are back as they were, the record is on the primary, the replica still a replica
    expect(await pilot.groupNow(FROM, writers)).toMatchObject({ desired: 2, inService: 2 });
    expect(report.promotion).toBe('not-reached');
    expect(await moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);
    expect(await moto.isPromoted(replicaId)).toBe(false);
  });
});
