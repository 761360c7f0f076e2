/**
 * DrDrill on an Aurora global database, behind the AWS-faithful layer: it checks the global
 * cluster's members, engine versions and AuroraGlobalDBRPOLag, rehearses the failover on the drill
 * record, and never moves the production writer.
 */
import { CreateDBClusterCommand, CreateDBInstanceCommand, CreateGlobalClusterCommand } from '@aws-sdk/client-rds';
import type { ClusterProtectionReport } from '../../src/domain/database/cluster-types';
import type { DrillReport } from '../../src/domain/drill/types';
import { createSourceCluster, globalCluster, putRpoLag, roles, viaLayer } from '../support/database/aurora-world';
import { useDatabaseSuite } from '../support/database/suite';
import { createNetwork, DR_REGION, SOURCE_REGION } from '../support/database/world';
import { testEnv } from '../support/env';
import { MotoFailoverFixture } from '../support/failover/fixture';
import { uniqueId } from '../support/harness';

const suite = useDatabaseSuite();

test('GIVEN an Aurora global database WHEN DrDrill runs with the cluster as promoteReplica THEN its readiness is checked (members, engine versions, lag against maxRpoSeconds), and the writer never moves', async () => {
  const sourceId = uniqueId('aurora-drill');
  const replicaId = `${sourceId}-dr`;
  await createSourceCluster(sourceId);
  const net = await createNetwork(217);
  await putRpoLag(replicaId, 800);
  await suite.run<ClusterProtectionReport>('ProtectDatabase', {
    source: { region: SOURCE_REGION, dbClusterIdentifier: sourceId },
    replica: {
      region: DR_REGION,
      dbClusterIdentifier: replicaId,
      network: { vpcId: net.vpcId, subnetIds: net.subnetIds },
    },
  });
  const moto = new MotoFailoverFixture(testEnv().motoUrl);
  const zoneName = `${sourceId}.example.`;
  const [peeringConnectionId, zoneId] = await Promise.all([moto.peering(), moto.zone(zoneName)]);
  const home = `primary-alb.${SOURCE_REGION}.elb.amazonaws.com`;
  await moto.upsert(zoneId, `app.${zoneName}`, home);
  const drill = (maxRpoSeconds: number) => ({
    name: uniqueId('aurora'),
    peering: { peeringConnectionId, requesterRegion: SOURCE_REGION, accepterRegion: DR_REGION },
    failover: {
      hostedZoneId: zoneId,
      recordName: `app.${zoneName}`,
      recordType: 'CNAME',
      from: { region: SOURCE_REGION, value: home },
      to: { region: DR_REGION, value: `dr-alb.${DR_REGION}.elb.amazonaws.com` },
      promoteReplica: { region: DR_REGION, dbClusterIdentifier: replicaId, maxRpoSeconds },
    },
    rtoTargetSeconds: 300,
  });
  const checks = (r: DrillReport) =>
    Object.fromEntries(
      r.checks
        .filter((c) => ['aurora-global-members', 'aurora-engine-versions', 'replication'].includes(c.name))
        .map((c) => [c.name, c.ok]),
    );

  // AND a global database kept for drills: its own primary in us-east-1, a secondary in eu-west-1
  const drillSource = await createSourceCluster(`${sourceId}-x`);
  const drillGlobal = `${sourceId}-x-global`;
  await viaLayer(suite.proxy.url, SOURCE_REGION).send(
    new CreateGlobalClusterCommand({
      GlobalClusterIdentifier: drillGlobal,
      SourceDBClusterIdentifier: drillSource.DBClusterArn,
    }),
  );
  const dr = viaLayer(suite.proxy.url, DR_REGION);
  const drillSecondary = `${sourceId}-x-dr`;
  await dr.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: drillSecondary,
      GlobalClusterIdentifier: drillGlobal,
      Engine: 'aurora-postgresql',
    }),
  );
  await dr.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: `${drillSecondary}-1`,
      DBClusterIdentifier: drillSecondary,
      Engine: 'aurora-postgresql',
      DBInstanceClass: 'db.r6g.large',
    }),
  );

  const [ready, lagging, production] = [
    await suite.run<DrillReport>('DrDrill', {
      ...drill(5),
      drillGlobalCluster: { region: DR_REGION, dbClusterIdentifier: drillSecondary },
    }),
    await suite.run<DrillReport>('DrDrill', drill(0)),
    await suite.run<DrillReport>('DrDrill', {
      ...drill(5),
      drillGlobalCluster: { region: DR_REGION, dbClusterIdentifier: replicaId },
    }),
  ];
  const switchover = (r: DrillReport) => r.checks.find((c) => c.name === 'aurora-drill-switchover');

  expect(switchover(ready)).toMatchObject({
    ok: true,
    detail: expect.stringMatching(/switched over to .* and back to /),
  });
  expect(roles(await globalCluster(suite.proxy.url, drillGlobal))).toEqual([
    `${drillSecondary}:reader`,
    `${sourceId}-x:writer`,
  ]);
  expect(switchover(production)).toMatchObject({
    ok: false,
    detail: expect.stringContaining('is the production global database'),
  });
  expect(switchover(lagging)).toBeUndefined();

  expect(checks(ready)).toEqual({ 'aurora-global-members': true, 'aurora-engine-versions': true, replication: true });
  expect(ready.checks.find((c) => c.name === 'replication')?.detail).toContain('AuroraGlobalDBRPOLag 0.8 s');
  expect(ready.failover?.outcome).toBe('completed');
  expect(ready.failover?.promotion).toBe('skipped-in-drill');
  expect(checks(lagging)).toEqual({
    'aurora-global-members': true,
    'aurora-engine-versions': true,
    replication: false,
  });
  expect(roles(await globalCluster(suite.proxy.url, `${sourceId}-global`))).toEqual([
    `${replicaId}:reader`,
    `${sourceId}:writer`,
  ]);
  expect(await moto.values(zoneId, `app.${zoneName}`)).toEqual([home]);
});
