/**
 * A cancelled FailoverToRegion keeps its report: the run's result is a CanceledFailure, so the
 * report is in the `progress` query and the memo, and says what changed and what AWS keeps doing.
 */
import { CancelledFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { FailoverProgress, FailoverReport } from '../../src/domain/failover/types';
import { cliProcess } from '../support/cli-process';
import { sleep, stepOf, useFailoverSuite } from '../support/failover/suite';

const f = useFailoverSuite();
const { cli, cleanUp } = cliProcess(() => f.worker.taskQueue);
afterAll(() => cleanUp());
afterEach(() => {
  f.proxy.promotionTiming.modifyingMs = 3_000;
});

describe('FailoverToRegion cancelled', () => {
  test('GIVEN a failover cancelled while RDS promotes THEN the report says the promotion keeps going and DNS was not moved', async () => {
    // GIVEN a failover whose promotion takes a while
    const world = await f.moto.world();
    f.proxy.promotionTiming.modifyingMs = 30_000;
    const handle = await f.start(world.request);

    // WHEN it is cancelled once RDS has accepted the promotion
    for (let i = 0; i < 100; i++) {
      const p = await handle.query<FailoverProgress>('progress');
      if (p.running?.includes('promote-replica') && f.worker.calls.some((c) => c.operation === 'PromoteReadReplica'))
        break;
      await sleep(200);
    }
    await handle.cancel();

    // THEN the run ends cancelled
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

    // AND its report is in the progress query: aborted, with what the interrupted step leaves behind
    const report = (await handle.query<FailoverProgress>('progress')).report!;
    expect(report.outcome).toBe('aborted');
    expect(report.reason).toBe(
      'cancelled during promote-replica (its step says what AWS keeps doing); nothing had been changed before',
    );
    expect(stepOf(report, 'promote-replica')).toMatchObject({
      outcome: 'aborted',
      detail: expect.stringMatching(/RDS accepted the promotion of .* \(modifying\); it keeps going and is not undone/),
    });
    expect(stepOf(report, 'switch-record')).toBeUndefined();
    // AND the record as read back: never moved
    expect(report.recordAfter?.values).toEqual([world.primaryValue]);
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);

    // AND the same report is in the memo, which `status` prints without a worker's help
    const memo = (await handle.describe()).memo as { failoverReport?: FailoverReport };
    expect(memo.failoverReport).toEqual(report);
    const status = await cli(['status', handle.workflowId]);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'CANCELLED', report: { outcome: 'aborted' } });
  });
});
