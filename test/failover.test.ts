/**
 * FailoverToRegion on the real Temporal dev server, against moto: the zone, the record, the
 * peering and the cross-region read replica are all made in moto by the tests themselves.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FailoverProgress, FailoverReport, FailoverRequest } from '../src/domain/failover-types';
import { validateFailoverRequest } from '../src/domain/validate-failover';
import { testEnv } from './support/env';
import { MotoFailoverFixture, TO, type FailoverWorld } from './support/failover-fixture';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startTestWorker, uniqueId, type TestWorker } from './support/harness';

let worker: TestWorker;
let moto: MotoFailoverFixture;

beforeAll(async () => {
  moto = new MotoFailoverFixture(testEnv().motoUrl);
  worker = await startTestWorker();
});

afterAll(async () => {
  await worker?.shutdown();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function start(request: FailoverRequest, on: TestWorker = worker): Promise<WorkflowHandle> {
  return on.client.workflow.start('FailoverToRegion', {
    taskQueue: on.taskQueue,
    workflowId: uniqueId('failover'),
    args: [request],
  });
}

async function run(request: FailoverRequest, on: TestWorker = worker): Promise<FailoverReport> {
  return (await start(request, on)).result() as Promise<FailoverReport>;
}

/** The AWS operations the activities made while `fn` ran. */
async function callsDuring<T>(
  fn: () => Promise<T>,
  on: TestWorker = worker,
): Promise<{ result: T; operations: string[] }> {
  const from = on.calls.length;
  const result = await fn();
  return { result, operations: on.calls.slice(from).map((c) => c.operation) };
}

const MUTATIONS = ['ChangeResourceRecordSets', 'PromoteReadReplica'];
const names = (r: FailoverReport) => r.steps.map((s) => s.name);
const stepOf = (r: FailoverReport, name: string) => r.steps.find((s) => s.name === name);

async function untilAwaitingDecision(handle: WorkflowHandle): Promise<FailoverProgress> {
  for (let i = 0; i < 100; i++) {
    const p = await handle.query<FailoverProgress>('progress').catch(() => undefined);
    if (p?.awaitingDecision) return p;
    await sleep(100);
  }
  throw new Error(`${handle.workflowId} never waited for a decision`);
}

async function expectUnchanged(world: FailoverWorld): Promise<void> {
  expect(await moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);
  expect(await moto.isPromoted(world.request.promoteReplica!.dbInstanceIdentifier)).toBe(false);
}

describe('FailoverToRegion', () => {
  test('a full run promotes the replica, switches the record, reads it back, and times every step', async () => {
    // GIVEN app.<zone> → the us-east-1 ALB, a read replica in eu-west-1 and an active peering
    const world = await moto.world();

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
    expect(await moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    expect(report.recordBefore?.value).toBe(world.primaryValue);
    expect(report.recordAfter?.value).toBe(world.drValue);
    // AND the replica was promoted
    expect(report.promotion).toBe('promoted');
    expect(await moto.isPromoted(world.request.promoteReplica!.dbInstanceIdentifier)).toBe(true);
    // AND the RTO is measured from the start (auto), with no decision wait
    expect(typeof report.rtoSeconds).toBe('number');
    expect(report.rtoSeconds!).toBeGreaterThanOrEqual(0);
    expect(report.decisionWaitSeconds).toBe(0);
  });

  test('a second run, with traffic already on the target, is a no-op that says so', async () => {
    // GIVEN a completed failover
    const world = await moto.world();
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
    expect(await moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
  });

  test('failback, the same workflow with from and to swapped, restores the original value', async () => {
    // GIVEN a completed failover to eu-west-1
    const world = await moto.world();
    expect((await run(world.request)).outcome).toBe('completed');

    // WHEN the swapped request runs (no replica to promote on the way back)
    const { promoteReplica: _promoted, ...rest } = world.request;
    const report = await run({ ...rest, from: world.request.to, to: world.request.from });

    // THEN the record is back on the primary
    expect(report.outcome).toBe('completed');
    expect(stepOf(report, 'promote-replica')!.outcome).toBe('skipped');
    expect(report.recordBefore?.value).toBe(world.drValue);
    expect(report.recordAfter?.value).toBe(world.primaryValue);
    expect(await moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);
  });

  describe('approval by signal', () => {
    test('waits for approve, then completes; the decision wait is reported apart from the RTO', async () => {
      // GIVEN a failover that needs approval
      const world = await moto.world();
      const handle = await start({ ...world.request, approval: 'signal', approvalTimeout: '5m' });

      // WHEN it is waiting, nothing has changed yet
      const waiting = await untilAwaitingDecision(handle);
      expect(waiting.completed).toEqual(['preflight']);
      expect(await moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);
      // AND an operator approves two seconds later
      await sleep(2_000);
      await handle.signal('approve', { by: 'test-operator' });
      const report = (await handle.result()) as FailoverReport;

      // THEN it completes, and says who approved after how long
      expect(report.outcome).toBe('completed');
      expect(stepOf(report, 'approval')!.detail).toMatch(/approved by test-operator after \d/);
      expect(report.decisionWaitSeconds).toBeGreaterThanOrEqual(2);
      // AND the RTO counts from the approval, so it excludes the wait
      expect(report.rtoSeconds!).toBeLessThan(report.decisionWaitSeconds);
      expect(await moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    });

    test('abort leaves everything unchanged', async () => {
      // GIVEN a failover waiting for a decision
      const world = await moto.world();
      const { result: report, operations } = await callsDuring(async () => {
        const handle = await start({ ...world.request, approval: 'signal' });
        await untilAwaitingDecision(handle);
        // WHEN an operator aborts it
        await handle.signal('abort', { by: 'test-operator', reason: 'primary recovered' });
        return (await handle.result()) as FailoverReport;
      });

      // THEN it is aborted, before promotion and switch, and nothing changed
      expect(report.outcome).toBe('aborted');
      expect(report.reason).toMatch(/aborted by test-operator \(primary recovered\)/);
      expect(names(report)).toEqual(['preflight', 'approval']);
      expect(stepOf(report, 'approval')!.outcome).toBe('aborted');
      expect(report.rtoSeconds).toBeNull();
      expect(operations.filter((o) => MUTATIONS.includes(o))).toEqual([]);
      await expectUnchanged(world);
    });

    test('no decision within approvalTimeout: aborted, and nothing changed', async () => {
      // GIVEN a failover with a 3 s approval window
      const world = await moto.world();

      // WHEN nobody answers
      const report = await run({ ...world.request, approval: 'signal', approvalTimeout: '3s' });

      // THEN it gives up after the window, changing nothing
      expect(report.outcome).toBe('aborted');
      expect(report.reason).toMatch(/no decision within 3s/);
      expect(report.decisionWaitSeconds).toBeGreaterThanOrEqual(3);
      expect(names(report)).toEqual(['preflight', 'approval']);
      await expectUnchanged(world);
    });
  });

  describe('a failed preflight changes nothing', () => {
    const cases: Array<[string, (w: FailoverWorld) => Promise<FailoverRequest>, RegExp]> = [
      [
        'the peering is not active',
        async (w) => ({ ...w.request, peeringConnectionId: await moto.peering('pending-acceptance') }),
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
      const world = await moto.world();
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

  test('a drill switches only its own record, never promotes, and leaves no drill record behind', async () => {
    // GIVEN the production world
    const world = await moto.world();
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
    expect(await moto.values(world.zoneId, drillRecord)).toEqual([]);
    await expectUnchanged(world);
  });

  test('an aborted drill still deletes its drill record and leaves production alone', async () => {
    // GIVEN a drill waiting for a decision, its drill record already in place
    const world = await moto.world();
    const drillRecord = `drill-${world.request.recordName}`;
    const handle = await start({ ...world.request, drill: true, approval: 'signal' });
    await untilAwaitingDecision(handle);
    expect(await moto.values(world.zoneId, drillRecord)).toEqual([world.primaryValue]);

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
    expect(await moto.values(world.zoneId, drillRecord)).toEqual([]);
    await expectUnchanged(world);
  });

  test('bad input fails at once with InvalidFailoverRequest naming the field, before any AWS call', async () => {
    // GIVEN a request with a region typo
    const world = await moto.world();
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

  describe('Route 53 faults during the switch', () => {
    let proxy: FaultProxy;
    let proxied: TestWorker;

    beforeAll(async () => {
      proxy = await startFaultProxy({ target: testEnv().motoUrl, seed: 7 });
      // One SDK attempt per call, so every fault reaches Temporal's retry policy.
      proxied = await startTestWorker({ endpoint: proxy.url, maxAttempts: 1 });
    });

    afterAll(async () => {
      await proxied?.shutdown();
      await proxy?.close();
    });

    afterEach(() => proxy.clearRules());

    const rrsetChange = /^POST \/2013-04-01\/hostedzone\/[^/]+\/rrset/;

    test('transient errors are retried by the activity until the switch succeeds', async () => {
      // GIVEN Route 53 answers the first two changes with 500
      const world = await moto.world();
      proxy.setRules([
        { service: 'route53', action: rrsetChange, kind: 'error', status: 500, code: 'InternalError', count: 2 },
      ]);

      // WHEN the failover runs
      const report = await run(world.request, proxied);

      // THEN the third attempt switched the record, and the report says so
      expect(report.outcome).toBe('completed');
      expect(stepOf(report, 'switch-record')!.detail).toMatch(/on attempt 3/);
      expect(await moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    });

    test('a switch that fails after the promotion says the promotion is not undone; the same request run again finishes it', async () => {
      // GIVEN Route 53 refuses changes outright (the worker's role lacks the permission)
      const world = await moto.world();
      proxy.setRules([
        {
          service: 'route53',
          action: rrsetChange,
          kind: 'error',
          status: 403,
          code: 'AccessDenied',
          message: 'not authorized to perform route53:ChangeResourceRecordSets',
        },
      ]);

      // WHEN the failover runs
      const failed = await run(world.request, proxied);

      // THEN it failed at the switch, after the promotion, and says plainly that it is not undone
      expect(failed.outcome).toBe('failed');
      expect(names(failed)).toEqual(['preflight', 'approval', 'promote-replica', 'switch-record']);
      expect(failed.promotion).toBe('promoted');
      expect(stepOf(failed, 'switch-record')!.detail).toMatch(
        /AccessDenied.*promotion of .* is NOT undone.*run the same request again/,
      );
      expect(failed.reason).toMatch(/the promotion is not undone/);
      expect(await moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);

      // WHEN the permission is fixed and the same request runs again
      proxy.clearRules();
      const resumed = await run(world.request, proxied);

      // THEN it completes the switch
      expect(resumed.outcome).toBe('completed');
      expect(await moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
      expect(await moto.isPromoted(world.request.promoteReplica!.dbInstanceIdentifier)).toBe(true);
    });
  });
});

describe('validateFailoverRequest', () => {
  const base: FailoverRequest = {
    hostedZoneId: 'Z0123456789ABC',
    recordName: 'app.abc.example.',
    recordType: 'CNAME',
    from: { region: 'us-east-1', value: 'primary-alb.us-east-1.elb.amazonaws.com' },
    to: { region: 'eu-west-1', value: 'dr-alb.eu-west-1.elb.amazonaws.com' },
    peeringConnectionId: 'pcx-0123456789abcdef0',
    promoteReplica: { region: 'eu-west-1', dbInstanceIdentifier: 'abc-db-replica' },
  };

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
