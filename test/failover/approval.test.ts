/** FailoverToRegion with approval by signal: approve, abort, and no decision within the timeout. */
import type { FailoverReport } from '../../src/domain/failover/types';
import { sleep, stepOf, names, MUTATIONS, useFailoverSuite } from '../support/failover/suite';

const f = useFailoverSuite();
const { start, run, callsDuring, untilAwaitingDecision, expectUnchanged } = f;

describe('FailoverToRegion', () => {
  describe('approval by signal', () => {
    test('waits for approve, then completes; the decision wait is reported apart from the RTO', async () => {
      // GIVEN a failover that needs approval
      const world = await f.moto.world();
      const handle = await start({ ...world.request, approval: 'signal', approvalTimeout: '5m' });

      // WHEN it is waiting, nothing has changed yet
      const waiting = await untilAwaitingDecision(handle);
      expect(waiting.completed).toEqual(['preflight']);
      expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);
      // AND an operator approves two seconds later
      await sleep(2_000);
      await handle.signal('approve', { by: 'test-operator' });
      const report = (await handle.result()) as FailoverReport;

      // THEN it completes, and says who approved after how long
      expect(report.outcome).toBe('completed');
      expect(stepOf(report, 'approval')!.detail).toMatch(/approved by test-operator after \d/);
      expect(report.decisionWaitSeconds).toBeGreaterThanOrEqual(2);
      // AND the RTO counts from the approval to the verified switch, so it excludes the wait
      const at = (name: string, end: 'startedAt' | 'finishedAt') => Date.parse(stepOf(report, name)![end]) / 1000;
      const approvalToVerified = at('verify-record', 'finishedAt') - at('approval', 'finishedAt');
      expect(Math.abs(report.rtoSeconds! - approvalToVerified)).toBeLessThan(0.5);
      expect(report.rtoSeconds! + report.decisionWaitSeconds).toBeCloseTo(
        at('verify-record', 'finishedAt') - at('approval', 'startedAt'),
        0,
      );
      expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    });

    test('abort leaves everything unchanged', async () => {
      // GIVEN a failover waiting for a decision
      const world = await f.moto.world();
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
      const world = await f.moto.world();

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
});
