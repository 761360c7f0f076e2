/**
 * FailoverToRegion's data side, unplanned: preflight measures the RPO (the replica's newest
 * ReplicaLag, in its own region), refuses a lag above `maxRpoSeconds` naming the figure, refuses to
 * promote anything that is not a read replica, and lets a re-run resume an instance this project
 * promoted away from the same region (it tags what it promotes before asking RDS).
 */
import { ListTagsForResourceCommand } from '@aws-sdk/client-rds';
import type { FailoverReport } from '../../src/domain/failover/types';
import { createSource, putLag, tag } from '../support/database/world';
import { FROM, TO } from '../support/failover/fixture';
import { MUTATIONS, stepOf, useFailoverSuite } from '../support/failover/suite';
import { CREDENTIALS } from '../support/harness';
import { RDSClient, DescribeDBInstancesCommand, PromoteReadReplicaCommand } from '@aws-sdk/client-rds';

const f = useFailoverSuite();
const { run, callsDuring } = f;

const arnOf = async (id: string) =>
  (await f.moto.rds(TO).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!
    .DBInstanceArn!;
const tagsOf = async (id: string) =>
  Object.fromEntries(
    ((await f.moto.rds(TO).send(new ListTagsForResourceCommand({ ResourceName: await arnOf(id) }))).TagList ?? []).map(
      (t) => [t.Key, t.Value],
    ),
  );

/** Promotes through the suite's proxy (moto alone never drops the source) and waits until standalone. */
async function promoteByHand(id: string): Promise<void> {
  const rds = new RDSClient({ region: TO, endpoint: f.proxy.url, credentials: CREDENTIALS });
  await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: id }));
  for (let i = 0; i < 100; i++) {
    const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
    if (db.DBInstanceStatus === 'available' && !db.ReadReplicaSourceDBInstanceIdentifier) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${id} was not promoted`);
}

describe('FailoverToRegion: the RPO, measured', () => {
  test('GIVEN a replica 42 s behind WHEN failing over with maxRpoSeconds 30 THEN preflight fails naming the figure and nothing changes', async () => {
    // GIVEN a replica whose newest ReplicaLag is 42 s
    const world = await f.moto.world();
    const replica = world.request.promoteReplica!;
    await putLag(replica.dbInstanceIdentifier, 42, new Date(), TO);

    // WHEN the failover runs with a 30 s bound
    const { result: report, operations } = await callsDuring(() =>
      run({ ...world.request, promoteReplica: { ...replica, maxRpoSeconds: 30 } }),
    );

    // THEN it failed in preflight, naming the lag and the bound
    expect(report.outcome).toBe('failed');
    expect(report.reason).toMatch(/ReplicaLag is 42 s at .*, above maxRpoSeconds 30/);
    expect(report.rpo).toMatchObject({ seconds: 42, basis: 'replica-lag', replicationStatus: 'replicating' });
    expect(report.promotion).toBe('not-reached');
    // AND nothing was changed: no AWS write, the record on the primary, the replica still a replica
    expect(operations.filter((op) => MUTATIONS.includes(op) || op === 'AddTagsToResource')).toEqual([]);
    await f.expectUnchanged(world);
  });

  test('GIVEN a replica with no ReplicaLag datapoint WHEN failing over with maxRpoSeconds THEN the unknown RPO is refused', async () => {
    const world = await f.moto.world();
    const replica = world.request.promoteReplica!;

    const report = await run({ ...world.request, promoteReplica: { ...replica, maxRpoSeconds: 300 } });

    expect(report.outcome).toBe('failed');
    expect(report.reason).toMatch(/RPO is unknown \(no ReplicaLag datapoint in the last 15 minutes.*maxRpoSeconds 300/);
    expect(report.rpo).toEqual({ seconds: null, basis: 'unknown', replicationStatus: 'replicating' });
    await f.expectUnchanged(world);
  });

  test('GIVEN a replica 3 s behind WHEN failing over with maxRpoSeconds 30 THEN it completes, the report carries the RPO, and the promoted instance is tagged', async () => {
    const world = await f.moto.world();
    const replica = world.request.promoteReplica!;
    const at = new Date(Date.now() - 30_000);
    await putLag(replica.dbInstanceIdentifier, 3, at, TO);

    const report = await run({ ...world.request, promoteReplica: { ...replica, maxRpoSeconds: 30 } });

    expect({ outcome: report.outcome, reason: report.reason }).toEqual({ outcome: 'completed', reason: undefined });
    expect(report.rpo).toEqual({
      seconds: 3,
      basis: 'replica-lag',
      measuredAt: expect.any(String),
      replicationStatus: 'replicating',
    });
    expect(Math.abs(Date.parse(report.rpo!.measuredAt!) - at.getTime())).toBeLessThan(60_000);
    expect(stepOf(report, 'preflight')!.detail).toMatch(/replication replicating, RPO 3 s \(replica-lag at /);
    expect(report.promotion).toBe('promoted');
    expect(await tagsOf(replica.dbInstanceIdentifier)).toMatchObject({
      'vpc-peering:promoted-by': expect.stringMatching(/^failover-/),
      'vpc-peering:promoted-from': FROM,
    });
  });
});

describe('FailoverToRegion: only a replica is promoted', () => {
  test('GIVEN a standalone instance in the target region (a stale old primary) WHEN it is named as promoteReplica THEN preflight refuses it and changes nothing', async () => {
    // GIVEN a standalone instance, as the old primary a failover left behind is
    const world = await f.moto.world();
    const stale = `${world.request.promoteReplica!.dbInstanceIdentifier}-stale`;
    await createSource(stale, {}, TO);

    // WHEN a failover names it
    const { result: report, operations } = await callsDuring(() =>
      run({ ...world.request, promoteReplica: { region: TO, dbInstanceIdentifier: stale } }),
    );

    // THEN preflight refused it: not a replica
    expect(report.outcome).toBe('failed');
    expect(report.reason).toMatch(
      new RegExp(`replica ${stale} in ${TO} is not a read replica \\(it replicates from nothing\\)`),
    );
    expect(stepOf(report, 'promote-replica')).toBeUndefined();
    // AND nothing changed: no write, no tag, the record on the primary
    expect(operations.filter((op) => MUTATIONS.includes(op) || op === 'AddTagsToResource')).toEqual([]);
    expect(await tagsOf(stale)).toEqual({});
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);
  });

  test.each([
    [FROM, 'completed'],
    ['us-west-2', 'failed'],
  ])(
    'GIVEN an instance this project promoted away from %s WHEN the failover from us-east-1 runs again THEN it is %s',
    async (promotedFrom, outcome) => {
      // GIVEN the replica promoted and tagged as an earlier run does, with the record not switched yet
      const world = await f.moto.world();
      const id = world.request.promoteReplica!.dbInstanceIdentifier;
      await tag(await arnOf(id), TO, {
        'vpc-peering:promoted-by': 'abc-failover',
        'vpc-peering:promoted-from': promotedFrom,
      });
      await promoteByHand(id);

      // WHEN the failover runs
      const { result: report, operations } = await callsDuring<FailoverReport>(() => run(world.request));

      // THEN a re-run from the same region resumes: nothing promoted again, the switch made
      expect(report.outcome).toBe(outcome);
      expect(operations).not.toContain('PromoteReadReplica');
      if (outcome === 'completed') {
        expect(stepOf(report, 'preflight')!.detail).toMatch(/promoted away from us-east-1 by abc-failover/);
        expect(report.promotion).toBe('already-promoted');
        expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
      } else {
        // AND one promoted away from another region is not this failover's: refused, the record unchanged
        expect(report.reason).toMatch(/not a read replica \(it was promoted away from us-west-2, not from us-east-1\)/);
        expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);
      }
    },
  );
});
