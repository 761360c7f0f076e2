/**
 * DrDrill's data checks behind the AWS-faithful layer, on a replica that ProtectDatabase made: the
 * `replication` check (status and lag against maxRpoSeconds), and `rehearsePromotion`, which makes,
 * promotes, times and deletes a temporary replica, and leaves the production replica and record as
 * they were, even when the drill is cancelled mid-rehearsal.
 */
import type { ProtectionReport } from '../../src/domain/database/types';
import type { DrillProgress, DrillReport, DrillRequest } from '../../src/domain/drill/types';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { MotoFailoverFixture } from '../support/failover/fixture';
import { useDatabaseSuite } from '../support/database/suite';
import { createSource, DR_REGION, instance, instanceIds, putLag, SOURCE_REGION } from '../support/database/world';
import { zoneRecords } from '../support/drill/fixtures';
import { testEnv } from '../support/env';
import { uniqueId } from '../support/harness';

const suite = useDatabaseSuite();
const SETUP: PeeringRequest = {
  requester: { region: SOURCE_REGION, cidrBlock: '10.220.0.0/16' },
  accepter: {
    region: DR_REGION,
    cidrBlock: '10.221.0.0/16',
    subnets: [
      { cidrBlock: '10.221.1.0/24', availabilityZone: 'eu-west-1a' },
      { cidrBlock: '10.221.2.0/24', availabilityZone: 'eu-west-1b' },
    ],
  },
  allow: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }],
};
let setupId: string;
let replicaId: string;
let zoneId: string;
let recordName: string;

const drillReplicas = async () => (await instanceIds(DR_REGION)).filter((id) => id.startsWith(`${replicaId}-drill-`));

/** What the production replica looks like: a replica of its source, available, with its own tags. */
const production = async () => {
  const db = (await instance(DR_REGION, replicaId))!;
  return [db.DBInstanceStatus, db.ReadReplicaSourceDBInstanceIdentifier, db.TagList, db.DBInstanceClass];
};

function drill(over: Partial<DrillRequest> & { maxRpoSeconds?: number } = {}): DrillRequest {
  const { maxRpoSeconds, ...rest } = over;
  return {
    name: 'abc-data',
    peering: { setupWorkflowId: setupId },
    failover: {
      hostedZoneId: zoneId,
      recordName,
      recordType: 'CNAME',
      ttl: 60,
      from: { region: SOURCE_REGION, value: 'primary-alb.us-east-1.elb.amazonaws.com' },
      to: { region: DR_REGION, value: 'dr-alb.eu-west-1.elb.amazonaws.com' },
      promoteReplica: {
        region: DR_REGION,
        dbInstanceIdentifier: replicaId,
        ...(maxRpoSeconds === undefined ? {} : { maxRpoSeconds }),
      },
    },
    rtoTargetSeconds: 300,
    ...rest,
  };
}

beforeAll(async () => {
  setupId = uniqueId('data-drill-setup');
  const source = await createSource(uniqueId('drill-db'));
  replicaId = `${source.DBInstanceIdentifier}-replica`;
  await putLag(replicaId, 2);
  const moto = new MotoFailoverFixture(testEnv().motoUrl);
  const suffix = uniqueId('data').toLowerCase();
  zoneId = await moto.zone(`${suffix}.example.`);
  recordName = `app.${suffix}.example.`;
  await moto.upsert(zoneId, recordName, 'primary-alb.us-east-1.elb.amazonaws.com');
  await suite.run('SetupInterRegionPeering', SETUP, setupId);
  await suite.run<ProtectionReport>('ProtectDatabase', {
    source: { region: SOURCE_REGION, dbInstanceIdentifier: source.DBInstanceIdentifier },
    replica: { region: DR_REGION, dbInstanceIdentifier: replicaId, network: { setupWorkflowId: setupId } },
  });
});

describe('GIVEN a peering, a production record and a replica made by ProtectDatabase', () => {
  test('WHEN a drill runs with rehearsePromotion THEN it times the temporary replica and its promotion, deletes it, and leaves the production replica and record as they were', async () => {
    await putLag(replicaId, 2);
    const [before, records] = [await production(), await zoneRecords(zoneId)];

    const report = await suite.run<DrillReport>('DrDrill', drill({ rehearsePromotion: true, maxRpoSeconds: 60 }));

    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.outcome).toBe('passed');
    expect(report.rehearsal).toEqual({
      dbInstanceIdentifier: expect.stringMatching(new RegExp(`^${replicaId}-drill-\\d{12}$`)),
      createSeconds: expect.any(Number),
      promotionSeconds: expect.any(Number),
      deleted: true,
    });
    // The layer holds a promotion `modifying` for 3 s, as AWS takes minutes.
    expect(report.rehearsal!.promotionSeconds!).toBeGreaterThanOrEqual(suite.proxy.promotionTiming.modifyingMs / 1000);
    expect(report.rtoParts).toEqual([
      {
        name: 'switch',
        seconds: report.failover!.rtoSeconds,
        measuredBy: expect.stringMatching(/^failover rehearsal /),
      },
      {
        name: 'promotion',
        seconds: report.rehearsal!.promotionSeconds,
        measuredBy: `promotion rehearsal ${report.rehearsal!.dbInstanceIdentifier}`,
      },
    ]);
    expect(report.rtoSeconds!).toBe(
      Math.round((report.failover!.rtoSeconds! + report.rehearsal!.promotionSeconds!) * 10) / 10,
    );
    expect(report.rtoSummary).toMatch(/^rtoSeconds [\d.]+ = switch [\d.]+ s \+ promotion [\d.]+ s\./);
    expect(report.checks.find((c) => c.name === 'replication')?.detail).toMatch(
      new RegExp(`^${replicaId} in ${DR_REGION}: replicating, ReplicaLag 2 s at .* \\(maxRpoSeconds 60\\)$`),
    );
    expect(report.replication).toMatchObject({ status: 'replicating', lagSeconds: 2 });
    expect(await drillReplicas()).toEqual([]);
    expect(await production()).toEqual(before);
    expect(await zoneRecords(zoneId)).toEqual(records);
  });

  test('WHEN the replica lags past the failover maxRpoSeconds THEN the replication check fails with the figure', async () => {
    await putLag(replicaId, 45);

    const report = await suite.run<DrillReport>('DrDrill', drill({ maxRpoSeconds: 30 }));

    expect(report.outcome).toBe('failed');
    expect(report.checks.filter((c) => !c.ok).map((c) => [c.name, c.detail])).toEqual([
      ['replication', expect.stringContaining('ReplicaLag 45 s at')],
    ]);
    expect(report.checks.find((c) => c.name === 'replication')?.detail).toContain('lag above maxRpoSeconds 30');
    expect(report.rehearsal).toBeUndefined();
    await putLag(replicaId, 2);
  });

  test('WHEN the drill is cancelled while its temporary replica is being made THEN that replica is deleted all the same', async () => {
    await putLag(replicaId, 2);
    const before = await production();
    const creating = suite.proxy.timing.rds.creatingMs;
    suite.proxy.timing.rds.creatingMs = 8_000;
    try {
      const handle = await suite.start('DrDrill', drill({ rehearsePromotion: true }));
      for (let i = 0; i < 300; i++) {
        const p = await handle.query<DrillProgress>('progress').catch(() => undefined);
        if (p?.step === 'rehearse-promotion' && (await drillReplicas()).length) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await drillReplicas()).toHaveLength(1);

      await handle.cancel();
      await handle.result().catch(() => undefined);
    } finally {
      suite.proxy.timing.rds.creatingMs = creating;
    }

    expect(await drillReplicas()).toEqual([]);
    expect(await production()).toEqual(before);
  });
});
