/**
 * FailoverToRegion's decisions as Updates and as signals: an `approve` before the run waits is not
 * counted (the Update is rejected at once, the signal ignored and listed in warnings); an early
 * `abort` ends the run at the gate; an `abort` after the approval is rejected with its reason; and
 * `failover approve|abort` on the CLI shows the findings first and exits 2 on a rejection.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { FailoverProgress, FailoverReport } from '../../src/domain/failover/types';
import { cliProcess } from '../support/cli-process';
import { MUTATIONS, names, useFailoverSuite } from '../support/failover/suite';

const f = useFailoverSuite();
const { start, callsDuring, untilAwaitingDecision, expectUnchanged } = f;
const { cli, cleanUp } = cliProcess(() => f.worker.taskQueue);
afterAll(() => cleanUp());

/** Holds preflight back for a while: its replica read answers only after `ms`. */
function slowPreflight(ms = 4_000): void {
  f.proxy.setRules([{ service: 'rds', action: 'DescribeDBInstances', kind: 'latency', ms, count: 1 }]);
}

/** The rejection's reason, or a failure of the test when the Update was accepted. */
async function rejection(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message ?? '';
}

const update = (h: WorkflowHandle, name: 'approve' | 'abort', by: string) =>
  h.executeUpdate<FailoverProgress, [{ by: string }]>(name, { args: [{ by }] });

afterEach(() => {
  f.proxy.clearRules();
  f.proxy.promotionTiming.modifyingMs = 3_000;
});

describe('FailoverToRegion decisions', () => {
  test('GIVEN an approve before preflight has finished THEN the Update is rejected, the signal ignored and listed, and the run waits', async () => {
    // GIVEN a failover needing approval whose preflight is held back
    const world = await f.moto.world();
    slowPreflight();
    const handle = await start({ ...world.request, approval: 'signal', approvalTimeout: '2m' });

    // WHEN an approve comes as a signal and as an Update before the run waits
    await handle.signal('approve', { by: 'early-bird' });
    const why = await rejection(update(handle, 'approve', 'early-update'));

    // THEN the Update is rejected at once, saying why
    expect(why).toMatch(/^approve rejected: the run is not waiting for a decision yet: preflight has not finished/);
    // AND the signal did not approve: the run still waits for a decision, nothing changed
    const waiting = await untilAwaitingDecision(handle);
    expect(waiting.completed).toEqual(['preflight']);
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);

    // WHEN an operator then approves by Update
    f.proxy.promotionTiming.modifyingMs = 8_000;
    const after = await update(handle, 'approve', 'operator');
    // THEN it is accepted and answers with the progress, no longer waiting
    expect(after.awaitingDecision).toBe(false);
    // AND an abort after the approval is rejected with its reason
    expect(await rejection(update(handle, 'abort', 'late'))).toBe(
      'abort rejected: the failover was already approved by operator and is under way; cancel the workflow to stop it (its report says what changed)',
    );

    const report = (await handle.result()) as FailoverReport;
    expect(report.outcome).toBe('completed');
    expect(report.steps.find((s) => s.name === 'approval')!.detail).toMatch(/^approved by operator after/);
    expect(report.warnings).toEqual([
      'an approve signal by early-bird came before the run waited for a decision (before preflight had finished) and was ignored',
    ]);
  });

  test('GIVEN an abort signal before preflight has finished THEN it is honoured at the gate and nothing changes', async () => {
    const world = await f.moto.world();
    slowPreflight();
    const { result: report, operations } = await callsDuring(async () => {
      const handle = await start({ ...world.request, approval: 'signal' });
      await handle.signal('abort', { by: 'early-bird', reason: 'primary is back' });
      return (await handle.result()) as FailoverReport;
    });

    expect(report.outcome).toBe('aborted');
    expect(report.reason).toBe('aborted by early-bird (primary is back)');
    expect(names(report)).toEqual(['preflight', 'approval']);
    expect(operations.filter((o) => MUTATIONS.includes(o))).toEqual([]);
    await expectUnchanged(world);
  });

  test('GIVEN a drill aborted before the gate THEN it ends there without making its drill record', async () => {
    const world = await f.moto.world();
    slowPreflight();
    const { result: report, operations } = await callsDuring(async () => {
      const handle = await start({ ...world.request, drill: true });
      await handle.signal('abort', { by: 'early-bird' });
      return (await handle.result()) as FailoverReport;
    });

    expect(report.outcome).toBe('aborted');
    expect(names(report)).toEqual(['preflight', 'approval', 'production-untouched']);
    expect(operations).not.toContain('ChangeResourceRecordSets');
    await expectUnchanged(world);
  });

  test('GIVEN an abort Update before the gate THEN it is accepted at once and the run ends there; approve on an auto run is rejected', async () => {
    const world = await f.moto.world();
    slowPreflight();
    const handle = await start(world.request); // approval: auto

    expect(await rejection(update(handle, 'approve', 'someone'))).toMatch(
      /^approve rejected: this run does not wait for a decision \(approval: auto\)/,
    );
    const progress = await update(handle, 'abort', 'on-call');
    expect(progress.step).toBe('preflight');

    const report = (await handle.result()) as FailoverReport;
    expect(report.outcome).toBe('aborted');
    expect(report.reason).toBe('aborted by on-call');
    await expectUnchanged(world);
  });

  test('GIVEN the CLI WHEN approving a waiting run THEN it shows the findings first; a late abort exits 2 with the reason', async () => {
    const world = await f.moto.world();
    const handle = await start({ ...world.request, approval: 'signal', approvalTimeout: '5m' });
    await untilAwaitingDecision(handle);
    // Long enough for two CLI runs while the promotion is still under way.
    f.proxy.promotionTiming.modifyingMs = 45_000;

    const approved = await cli(['failover', 'approve', handle.workflowId, '--by', 'cli-operator']);
    expect({ code: approved.code, stderr: approved.stderr }).toEqual({
      code: 0,
      stderr: expect.stringMatching(/Preflight: ok: .*is active with routes[\s\S]*approve accepted by/),
    });

    const aborted = await cli(['failover', 'abort', handle.workflowId, '--reason', 'too late']);
    expect(aborted.code).toBe(2);
    expect(aborted.stderr).toMatch(
      /abort rejected by .*: the failover was already approved by cli-operator and is under way/,
    );
    expect(JSON.parse(aborted.stdout)).toMatchObject({ accepted: false, update: 'abort' });

    expect(((await handle.result()) as FailoverReport).outcome).toBe('completed');
  });
});
