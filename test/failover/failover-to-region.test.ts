/**
 * FailoverToRegion on the real Temporal dev server, against moto: the zone, the record, the
 * peering and the cross-region read replica are all made in moto by the tests themselves. A run,
 * its repeat, failback, a failed preflight and bad input here; approval, drills and Route 53
 * faults in failover-*.test.ts.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FailoverRequest } from '../../src/domain/failover/types';
import { validateFailoverRequest } from '../../src/domain/failover/validate';
import { TO, type FailoverWorld } from '../support/failover/fixture';
import { MUTATIONS, names, stepOf, useFailoverSuite } from '../support/failover/suite';
import { REQUEST } from '../support/preflight-facts';

const f = useFailoverSuite();
const { run, callsDuring, expectUnchanged } = f;

describe('FailoverToRegion', () => {
  test('a full run promotes the replica, switches the record, reads it back, and times every step', async () => {
    // GIVEN app.<zone> → the us-east-1 ALB, a read replica in eu-west-1 and an active peering
    const world = await f.moto.world();

    // WHEN the failover runs with automatic approval
    const report = await run(world.request);

    // THEN it completed with every step present and ok, in order
    expect(report.outcome).toBe('completed');
    expect(names(report)).toEqual(['preflight', 'approval', 'promote-replica', 'switch-record', 'verify-record']);
    for (const s of report.steps) {
      expect(s.outcome).toBe('ok');
      expect(Date.parse(s.finishedAt)).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
      expect(s.detail.length).toBeGreaterThan(0);
    }
    expect(stepOf(report, 'preflight')!.detail).toMatch(/is active with routes/);
    // AND the record now points to the DR ALB, in moto and in the report
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    expect(report.recordBefore?.value).toBe(world.primaryValue);
    expect(report.recordAfter?.value).toBe(world.drValue);
    // AND the replica was promoted
    expect(report.promotion).toBe('promoted');
    expect(await f.moto.isPromoted(world.request.promoteReplica!.dbInstanceIdentifier)).toBe(true);
    // AND the RTO is measured from the start (auto), with no decision wait
    expect(typeof report.rtoSeconds).toBe('number');
    expect(report.rtoSeconds!).toBeGreaterThanOrEqual(0);
    expect(report.decisionWaitSeconds).toBe(0);
  });

  test('a second run, with traffic already on the target, is a no-op that says so', async () => {
    // GIVEN a completed failover
    const world = await f.moto.world();
    expect((await run(world.request)).outcome).toBe('completed');

    // WHEN the same request runs again
    const { result: report, operations } = await callsDuring(() => run(world.request));

    // THEN it completes without changing anything, and says why
    expect(report.outcome).toBe('completed');
    expect(names(report)).toEqual(['preflight', 'already-on-target']);
    expect(stepOf(report, 'already-on-target')!.detail).toMatch(/already points to dr-alb/);
    expect(report.rtoSeconds).toBeNull();
    expect(report.promotion).toBe('not-needed');
    expect(operations.filter((o) => MUTATIONS.includes(o))).toEqual([]);
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
  });

  test('failback, the same workflow with from and to swapped, restores the original value', async () => {
    // GIVEN a completed failover to eu-west-1
    const world = await f.moto.world();
    expect((await run(world.request)).outcome).toBe('completed');

    // WHEN the swapped request runs (no replica to promote on the way back)
    const { promoteReplica: _promoted, ...rest } = world.request;
    const report = await run({ ...rest, from: world.request.to, to: world.request.from });

    // THEN the record is back on the primary
    expect(report.outcome).toBe('completed');
    expect(stepOf(report, 'promote-replica')!.outcome).toBe('skipped');
    expect(report.recordBefore?.value).toBe(world.drValue);
    expect(report.recordAfter?.value).toBe(world.primaryValue);
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);
  });

  describe('a failed preflight changes nothing', () => {
    const cases: Array<[string, (w: FailoverWorld) => Promise<FailoverRequest>, RegExp]> = [
      [
        'the peering is not active',
        async (w) => ({ ...w.request, peeringConnectionId: await f.moto.peering('pending-acceptance') }),
        /peering pcx-[0-9a-f]+ is pending-acceptance.*not active/,
      ],
      [
        'the record is missing',
        async (w) => ({ ...w.request, recordName: `missing.${w.zoneName}` }),
        /record missing\..* CNAME does not exist/,
      ],
      [
        'the replica is missing',
        async (w) => ({ ...w.request, promoteReplica: { region: TO, dbInstanceIdentifier: 'no-such-replica' } }),
        /replica no-such-replica in eu-west-1 does not exist/,
      ],
    ];

    test.each(cases)('when %s', async (_name, breakIt, expected) => {
      // GIVEN a world with one thing wrong
      const world = await f.moto.world();
      const request = await breakIt(world);

      // WHEN the failover runs
      const { result: report, operations } = await callsDuring(() => run(request));

      // THEN it fails in preflight, saying why, and changes nothing
      expect(report.outcome).toBe('failed');
      expect(names(report)).toEqual(['preflight']);
      expect(stepOf(report, 'preflight')!.outcome).toBe('failed');
      expect(stepOf(report, 'preflight')!.detail).toMatch(expected);
      expect(stepOf(report, 'preflight')!.detail).toMatch(/Nothing was changed/);
      expect(report.reason).toMatch(expected);
      expect(operations.filter((o) => MUTATIONS.includes(o))).toEqual([]);
      await expectUnchanged(world);
    });
  });

  test('bad input fails at once with InvalidFailoverRequest naming the field, before any AWS call', async () => {
    // GIVEN a request with a region typo
    const world = await f.moto.world();
    const request = { ...world.request, to: { region: 'eu-west1', value: world.drValue } };

    // WHEN it runs
    const { result: error, operations } = await callsDuring(() =>
      run(request).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );

    // THEN the run fails with a non-retryable InvalidFailoverRequest that names to.region
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('InvalidFailoverRequest');
    expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    expect(cause!.message).toMatch(/^to\.region: is not a known AWS region/);
    expect(operations).toEqual([]);
  });
});

describe('validateFailoverRequest', () => {
  const base = REQUEST;

  test('accepts the contract example', () => {
    expect(validateFailoverRequest(base)).toEqual({ ok: true, value: base });
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['the same region on both sides', { to: { ...base.to, region: 'us-east-1' } }, 'to.region', /same as from.region/],
    [
      'a replica outside the target region',
      { promoteReplica: { region: 'us-east-1', dbInstanceIdentifier: 'x' } },
      'promoteReplica.region',
      /target region eu-west-1/,
    ],
    [
      'drillRecordName without drill: true',
      { drillRecordName: 'drill.abc.example.' },
      'drillRecordName',
      /only used with drill: true/,
    ],
    [
      'a drill record that is the production record',
      { drill: true, drillRecordName: 'APP.abc.example' },
      'drillRecordName',
      /is the production record/,
    ],
    ['an unreadable approvalTimeout', { approvalTimeout: 'soon' }, 'approvalTimeout', /duration/],
    ['an A record with a host name', { recordType: 'A' }, 'from.value', /not a valid A value/],
    ['an unknown field', { ttlSeconds: 60 }, '(request)', /ttlSeconds/],
  ])('refuses %s, naming the field', (_what, change, field, reason) => {
    const result = validateFailoverRequest({ ...base, ...change });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.field).toBe(field);
    expect(result.error.reason).toMatch(reason);
  });
});
