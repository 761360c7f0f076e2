/** FailoverToRegion with Route 53 faults injected by the fault proxy during the switch. */
import { names, stepOf, useFailoverSuite } from '../support/failover/suite';

describe('FailoverToRegion', () => {
  describe('Route 53 faults during the switch', () => {
    // This file's only worker, behind the suite's proxy: one SDK attempt per call, so every fault
    // reaches Temporal's retry policy.
    const f = useFailoverSuite({ proxy: { seed: 7 }, worker: () => ({ maxAttempts: 1 }) });
    const { run } = f;
    afterEach(() => f.proxy.clearRules());

    const rrsetChange = /^POST \/2013-04-01\/hostedzone\/[^/]+\/rrset/;

    test('transient errors are retried by the activity until the switch succeeds', async () => {
      // GIVEN Route 53 answers the first two changes with 500
      const world = await f.moto.world();
      f.proxy.setRules([
        { service: 'route53', action: rrsetChange, kind: 'error', status: 500, code: 'InternalError', count: 2 },
      ]);

      // WHEN the failover runs
      const report = await run(world.request);

      // THEN the third attempt switched the record, and the report says so
      expect(report.outcome).toBe('completed');
      expect(stepOf(report, 'switch-record')!.detail).toMatch(/on attempt 3/);
      expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    });

    test('a switch that fails after the promotion says the promotion is not undone; the same request run again finishes it', async () => {
      // GIVEN Route 53 refuses changes outright (the worker's role lacks the permission)
      const world = await f.moto.world();
      f.proxy.setRules([
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
      const failed = await run(world.request);

      // THEN it failed at the switch, after the promotion, and says plainly that it is not undone
      expect(failed.outcome).toBe('failed');
      expect(names(failed)).toEqual(['preflight', 'approval', 'promote-replica', 'switch-record']);
      expect(failed.promotion).toBe('promoted');
      expect(stepOf(failed, 'switch-record')!.detail).toMatch(
        /AccessDenied.*promotion of .* is NOT undone.*run the same request again/,
      );
      expect(failed.reason).toMatch(/the promotion is not undone/);
      expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);

      // WHEN the permission is fixed and the same request runs again
      f.proxy.clearRules();
      const resumed = await run(world.request);

      // THEN it completes the switch
      expect(resumed.outcome).toBe('completed');
      expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
      expect(await f.moto.isPromoted(world.request.promoteReplica!.dbInstanceIdentifier)).toBe(true);
    });
  });
});
