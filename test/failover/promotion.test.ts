/**
 * FailoverToRegion never moves DNS to a database that is still read-only: the promotion counts as
 * done only once RDS shows the instance `available` with no replication source. The proxy holds a
 * promotion `modifying`, or `available` while it still names its source, for six seconds, and the
 * test watches the record while it does.
 */
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import type { FailoverReport } from '../../src/domain/failover/types';
import { TO } from '../support/failover/fixture';
import { sleep, stepOf, useFailoverSuite } from '../support/failover/suite';
import { CREDENTIALS } from '../support/harness';

const HOLD_MS = 6_000;
const f = useFailoverSuite();
const { start } = f;

afterEach(() => Object.assign(f.proxy.promotionTiming, { modifyingMs: 3_000, sourceLingersMs: 0 }));

/** The replica as the worker sees it, through the proxy. */
async function replicaNow(id: string): Promise<{ status?: string; source?: string }> {
  const rds = new RDSClient({ region: TO, endpoint: f.proxy.url, credentials: CREDENTIALS, maxAttempts: 1 });
  const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
  return {
    status: db.DBInstanceStatus,
    ...(db.ReadReplicaSourceDBInstanceIdentifier ? { source: db.ReadReplicaSourceDBInstanceIdentifier } : {}),
  };
}

describe('FailoverToRegion promotion', () => {
  test.each([
    ['still modifying', { modifyingMs: HOLD_MS, sourceLingersMs: 0 }, 'modifying'],
    ['available but still naming its source', { modifyingMs: 500, sourceLingersMs: HOLD_MS }, 'available'],
  ])(
    'GIVEN a promotion %s WHEN the failover runs THEN DNS does not move until the replica is standalone',
    async (_what, timing, status) => {
      // GIVEN a promotion that RDS takes a while to finish
      Object.assign(f.proxy.promotionTiming, timing);
      const world = await f.moto.world();
      const id = world.request.promoteReplica!.dbInstanceIdentifier;

      // WHEN the failover runs, and the replica and the record are watched while the promotion is under way
      const handle = await start(world.request);
      let seen: { status?: string; source?: string } | undefined;
      for (let i = 0; i < 50 && !seen; i++) {
        await sleep(200);
        const now = await replicaNow(id);
        if (now.source && now.status === status) seen = now;
      }
      const recordMeanwhile = await f.moto.values(world.zoneId, world.request.recordName);
      await sleep(2_000);
      const recordLater = await f.moto.values(world.zoneId, world.request.recordName);
      const report = (await handle.result()) as FailoverReport;

      // THEN while RDS showed it read-only, the record stayed on the primary
      expect(seen).toEqual({ status, source: expect.stringMatching(/:db:/) });
      expect(recordMeanwhile).toEqual([world.primaryValue]);
      expect(recordLater).toEqual([world.primaryValue]);
      // AND the promotion step lasted until the source was gone, and the switch came only after it
      const promote = stepOf(report, 'promote-replica')!;
      const lasted = Date.parse(promote.finishedAt) - Date.parse(promote.startedAt);
      expect(lasted).toBeGreaterThanOrEqual(HOLD_MS);
      expect(promote.detail).toMatch(/available, no replication source \(was a read replica of arn:aws:rds:us-east-1:/);
      expect(Date.parse(stepOf(report, 'switch-record')!.startedAt)).toBeGreaterThanOrEqual(
        Date.parse(promote.finishedAt),
      );
      expect(await replicaNow(id)).toEqual({ status: 'available' });
      // AND then the switch completed
      expect(report.outcome).toBe('completed');
      expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    },
  );
});
