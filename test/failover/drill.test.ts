/** FailoverToRegion as a drill: a rehearsal on its own record that never promotes the real replica. */
import type { FailoverReport } from '../../src/domain/failover/types';
import { names, stepOf, useFailoverSuite } from '../support/failover/suite';

const f = useFailoverSuite();
const { start, callsDuring, run, untilAwaitingDecision, expectUnchanged } = f;

describe('FailoverToRegion', () => {
  test('a drill switches only its own record, never promotes, and leaves no drill record behind', async () => {
    // GIVEN the production world
    const world = await f.moto.world();
    const drillRecord = `drill-${world.request.recordName}`;

    // WHEN a drill runs
    const { result: report, operations } = await callsDuring(() => run({ ...world.request, drill: true }));

    // THEN it completed on the drill record: created with from.value, switched, verified, deleted
    expect(report.outcome).toBe('completed');
    expect(report.drill).toBe(true);
    expect(report.recordName).toBe(drillRecord);
    expect(names(report)).toEqual([
      'preflight',
      'create-drill-record',
      'approval',
      'promote-replica',
      'switch-record',
      'verify-record',
      'delete-drill-record',
      'production-untouched',
    ]);
    expect(report.recordBefore?.value).toBe(world.primaryValue);
    expect(report.recordAfter?.value).toBe(world.drValue);
    expect(report.rtoSeconds).not.toBeNull();
    expect(stepOf(report, 'delete-drill-record')!.outcome).toBe('ok');
    expect(stepOf(report, 'production-untouched')!.outcome).toBe('ok');
    // AND it did not promote the real replica, and says so
    expect(stepOf(report, 'promote-replica')!.outcome).toBe('skipped');
    expect(stepOf(report, 'promote-replica')!.detail).toMatch(/must never promote the real replica/);
    expect(report.promotion).toBe('skipped-in-drill');
    expect(operations).not.toContain('PromoteReadReplica');
    // AND production is as it was, and no drill record is left
    expect(report.productionRecord?.value).toBe(world.primaryValue);
    expect(await f.moto.values(world.zoneId, drillRecord)).toEqual([]);
    await expectUnchanged(world);
  });

  test('an aborted drill still deletes its drill record and leaves production alone', async () => {
    // GIVEN a drill waiting for a decision, its drill record already in place
    const world = await f.moto.world();
    const drillRecord = `drill-${world.request.recordName}`;
    const handle = await start({ ...world.request, drill: true, approval: 'signal' });
    await untilAwaitingDecision(handle);
    expect(await f.moto.values(world.zoneId, drillRecord)).toEqual([world.primaryValue]);

    // WHEN it is aborted
    await handle.signal('abort', { reason: 'rehearsal postponed' });
    const report = (await handle.result()) as FailoverReport;

    // THEN the cleanup still ran: no drill record, production as it was
    expect(report.outcome).toBe('aborted');
    expect(names(report)).toEqual([
      'preflight',
      'create-drill-record',
      'approval',
      'delete-drill-record',
      'production-untouched',
    ]);
    expect(await f.moto.values(world.zoneId, drillRecord)).toEqual([]);
    await expectUnchanged(world);
  });
});
