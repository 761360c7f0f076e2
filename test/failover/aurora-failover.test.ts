/**
 * The Aurora lifecycle behind the AWS-faithful layer: a cluster protected into a DR VPC; an
 * unplanned failover with us-east-1 unreachable moves the global writer to eu-west-1 (FailoverGlobalCluster
 * with AllowDataLoss), with its RPO from AuroraGlobalDBRPOLag; UnprotectDatabase refuses the new
 * writer; once us-east-1 answers, ReprotectDatabase waits for Aurora to re-add the old primary and
 * keeps the lost writes' snapshot; a planned switchover goes back with RPO 0.
 */
import { DescribeDBClusterSnapshotsCommand } from '@aws-sdk/client-rds';
import { REGIONAL_APIS, regionOutage } from '../../harness/fault-proxy';
import type { ClusterProtectionReport } from '../../src/domain/database/cluster-types';
import type { FailoverReport, FailoverRequest } from '../../src/domain/failover/types';
import { createSourceCluster, globalCluster, putRpoLag, roles } from '../support/database/aurora-world';
import { useDatabaseSuite } from '../support/database/suite';
import { createNetwork, DR_REGION, rds, SOURCE_REGION } from '../support/database/world';
import { testEnv } from '../support/env';
import { MotoFailoverFixture } from '../support/failover/fixture';
import { applicationFailureOf } from '../support/failures';
import { uniqueId } from '../support/harness';

const suite = useDatabaseSuite();
const [home, dr] = [`primary-alb.${SOURCE_REGION}.elb.amazonaws.com`, `dr-alb.${DR_REGION}.elb.amazonaws.com`];

describe('GIVEN an Aurora cluster protected into eu-west-1 as a global database, and the app on us-east-1', () => {
  test('WHEN us-east-1 is down and FailoverToRegion runs unplanned THEN the writer moves with its RPO; unprotect refuses it; after ReprotectDatabase keeps the lost writes, a planned switchover goes back with RPO 0', async () => {
    const sourceId = uniqueId('aurora-fo');
    const replicaId = `${sourceId}-dr`;
    const globalId = `${sourceId}-global`;
    await createSourceCluster(sourceId);
    const net = await createNetwork(215);
    await putRpoLag(replicaId, 2500);
    const protectId = uniqueId('protect-aurora');
    await suite.run<ClusterProtectionReport>(
      'ProtectDatabase',
      {
        source: { region: SOURCE_REGION, dbClusterIdentifier: sourceId },
        replica: {
          region: DR_REGION,
          dbClusterIdentifier: replicaId,
          network: { vpcId: net.vpcId, subnetIds: net.subnetIds },
        },
      },
      protectId,
    );
    const moto = new MotoFailoverFixture(testEnv().motoUrl);
    const zoneName = `${sourceId}.example.`;
    const [peeringConnectionId, zoneId] = await Promise.all([moto.peering(), moto.zone(zoneName)]);
    const recordName = `app.${zoneName}`;
    await moto.upsert(zoneId, recordName, home);
    const failover: FailoverRequest = {
      hostedZoneId: zoneId,
      recordName,
      recordType: 'CNAME',
      from: { region: SOURCE_REGION, value: home },
      to: { region: DR_REGION, value: dr },
      peeringConnectionId,
      promoteReplica: { region: DR_REGION, dbClusterIdentifier: replicaId, maxRpoSeconds: 10 } as never,
    };

    // WHEN maxRpoSeconds is below the measured lag THEN nothing moves
    const gated = await suite.run<FailoverReport>('FailoverToRegion', {
      ...failover,
      promoteReplica: { region: DR_REGION, dbClusterIdentifier: replicaId, maxRpoSeconds: 1 },
    });
    expect(gated.outcome).toBe('failed');
    expect(gated.reason).toMatch(/AuroraGlobalDBRPOLag is 2\.5 s, above maxRpoSeconds 1/);
    expect(roles(await globalCluster(suite.proxy.url, globalId))).toEqual([
      `${replicaId}:reader`,
      `${sourceId}:writer`,
    ]);

    // WHEN us-east-1 does not answer and the failover runs unplanned
    suite.proxy.setRules(regionOutage(SOURCE_REGION, REGIONAL_APIS));
    let report: FailoverReport;
    try {
      report = await suite.run<FailoverReport>('FailoverToRegion', failover);
      expect(roles(await globalCluster(suite.proxy.url, globalId))).toEqual([`${replicaId}:writer`]);
    } finally {
      suite.proxy.clearRules();
    }

    // THEN the secondary writes, DNS moved, and the RPO is the measured lag
    expect(report.outcome).toBe('completed');
    expect(report.promotion).toBe('promoted');
    expect(report.rpo).toMatchObject({ seconds: 2.5, basis: 'aurora-rpo-lag' });
    expect(report.steps.find((s) => s.name === 'promote-replica')?.detail).toContain('AllowDataLoss');
    expect(await moto.values(zoneId, recordName)).toEqual([dr]);

    // AND UnprotectDatabase refuses to delete the writer
    const refused = await applicationFailureOf(
      suite.start('UnprotectDatabase', { protectWorkflowId: protectId }).then((h) => h.result()),
    );
    expect(refused.type).toBe('ProtectionInUse');

    // WHEN us-east-1 answers again and the old primary is re-protected
    await putRpoLag(sourceId, 0, new Date(), SOURCE_REGION);
    const reprotected = await suite.run<ClusterProtectionReport>('ReprotectDatabase', {
      primary: { region: DR_REGION, dbClusterIdentifier: replicaId },
      oldPrimary: { region: SOURCE_REGION, dbClusterIdentifier: sourceId },
    });

    // THEN Aurora re-added it as a secondary, and the lost writes are kept in a manual snapshot
    expect(reprotected).toMatchObject({
      globalClusterIdentifier: globalId,
      replicationStatus: 'connected',
      lagSeconds: 0,
    });
    expect(reprotected.lostWritesSnapshot?.copiedFrom).toMatch(
      new RegExp(`^rds:unplanned-global-failover-${sourceId}-\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d$`),
    );
    const manual = await rds(SOURCE_REGION).send(
      new DescribeDBClusterSnapshotsCommand({
        DBClusterSnapshotIdentifier: reprotected.lostWritesSnapshot!.dbClusterSnapshotIdentifier,
      }),
    );
    expect(manual.DBClusterSnapshots?.map((s) => s.DBClusterIdentifier)).toEqual([sourceId]);
    expect(roles(await globalCluster(suite.proxy.url, globalId))).toEqual([
      `${replicaId}:writer`,
      `${sourceId}:reader`,
    ]);

    // WHEN a planned switchover goes back
    const back = await suite.run<FailoverReport>('FailoverToRegion', {
      ...failover,
      from: failover.to,
      to: failover.from,
      promoteReplica: { region: SOURCE_REGION, dbClusterIdentifier: sourceId },
      mode: 'planned',
    });

    // THEN the old primary writes again, with no data lost
    expect(back.outcome).toBe('completed');
    expect(back.rpo).toEqual({ seconds: 0, basis: 'drained' });
    expect(back.steps.find((s) => s.name === 'promote-replica')?.detail).toContain('switched over');
    expect(roles(await globalCluster(suite.proxy.url, globalId))).toEqual([
      `${replicaId}:reader`,
      `${sourceId}:writer`,
    ]);
    expect(await moto.values(zoneId, recordName)).toEqual([home]);
  });
});
