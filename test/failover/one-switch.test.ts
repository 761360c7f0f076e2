/**
 * One switch per record: the switch is one Route 53 change batch, a DELETE of the record as
 * preflight read it and a CREATE of the new one. It lands only while the record still holds what
 * preflight saw: of two runs racing on one record one switches, the other fails with RecordChanged
 * and writes nothing; a record changed by hand while a run waits for approval is left as it is. A
 * retry after a lost answer finds its own change. The switch waits for INSYNC, through GetChange.
 */
import type { FailoverReport } from '../../src/domain/failover/types';
import { names, stepOf, useFailoverSuite } from '../support/failover/suite';

const f = useFailoverSuite();
const { run, start, callsDuring, untilAwaitingDecision } = f;
afterEach(() => f.proxy.clearRules());

const rrsetChange = /^POST \/2013-04-01\/hostedzone\/[^/]+\/rrset/;

describe('FailoverToRegion: one switch per record', () => {
  test('GIVEN two runs past preflight and the gate on one record WHEN both are approved at once THEN one switches, the other fails with RecordChanged and writes no DNS', async () => {
    // GIVEN two runs of the same failover, both waiting for approval
    const world = await f.moto.world();
    const request = { ...world.request, approval: 'signal' as const };
    const handles = await Promise.all([start(request), start(request)]);
    await Promise.all(handles.map((h) => untilAwaitingDecision(h)));

    // WHEN both are approved together
    await Promise.all(handles.map((h) => h.signal('approve', { by: 'racer' })));
    const reports = (await Promise.all(handles.map((h) => h.result()))) as FailoverReport[];

    // THEN exactly one completed and switched; the other failed, naming what it found
    const outcomes = reports.map((r) => r.outcome).sort();
    expect(outcomes).toEqual(['completed', 'failed']);
    const loser = reports.find((r) => r.outcome === 'failed')!;
    expect(loser.reason).toMatch(/^RecordChanged: .* no longer holds what preflight read \(primary-alb/);
    expect(loser.reason).toContain(`it holds ${world.drValue}`);
    expect(stepOf(loser, 'switch-record')!.outcome).toBe('failed');
    // AND DNS holds one record set with the new value, no duplicate
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
  });

  test('GIVEN a run waiting for approval WHEN the record is changed by hand, then the run approved THEN it fails with RecordChanged and the hand-made value stands', async () => {
    // GIVEN a run past preflight, waiting for approval
    const world = await f.moto.world();
    const handle = await start({ ...world.request, approval: 'signal' });
    await untilAwaitingDecision(handle);
    // WHEN someone points the record elsewhere, and then the run is approved
    const byHand = 'maintenance.abc.example.com';
    await f.moto.upsert(world.zoneId, world.request.recordName, byHand);
    await handle.signal('approve', { by: 'oncall' });
    const report = (await handle.result()) as FailoverReport;

    // THEN it failed at the switch, naming what it found, and DNS is as the person left it
    expect(report.outcome).toBe('failed');
    expect(report.reason).toMatch(/^RecordChanged: /);
    expect(report.reason).toContain(`it holds ${byHand}`);
    expect(stepOf(report, 'switch-record')!.detail).toMatch(/DNS was not changed/);
    expect(names(report)).not.toContain('verify-record');
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([byHand]);
  });

  test('GIVEN the answer to the switch is lost WHEN the activity retries THEN it finds the new value in place, counts it as its own, and the run completes', async () => {
    // GIVEN Route 53 applies the first batch but its answer never arrives
    const world = await f.moto.world();
    f.proxy.setRules([{ service: 'route53', action: rrsetChange, kind: 'lose-response', count: 1 }]);

    // WHEN the failover runs
    const report = await run(world.request);

    // THEN the retry found the change applied, rather than failing on its own DELETE
    expect({ outcome: report.outcome, reason: report.reason }).toEqual({ outcome: 'completed', reason: undefined });
    expect(stepOf(report, 'switch-record')!.detail).toMatch(
      /found at .* on a retry \(activity attempt \d\): the earlier send's change was applied/,
    );
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
  });

  test('GIVEN Route 53 answers PENDING first WHEN the switch runs THEN it polls GetChange until INSYNC before reading the record back', async () => {
    // GIVEN the layer's Route 53, whose changes are PENDING for a while (as on AWS)
    const world = await f.moto.world();

    // WHEN the failover runs
    const { result: report, operations } = await callsDuring(() => run(world.request));

    // THEN the batch was answered PENDING, GetChange was polled, and only then was the record read back
    expect(report.outcome).toBe('completed');
    expect(stepOf(report, 'switch-record')!.detail).toMatch(
      /DELETE .* \+ CREATE → .* in one batch; change \S+ PENDING, then INSYNC/,
    );
    const batch = operations.indexOf('ChangeResourceRecordSets');
    const polls = operations.map((o, i) => (o === 'GetChange' && i > batch ? i : -1)).filter((i) => i >= 0);
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(operations.lastIndexOf('ListResourceRecordSets')).toBeGreaterThan(polls[polls.length - 1]!);
  });
});
