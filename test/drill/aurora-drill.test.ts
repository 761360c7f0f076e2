/**
 * DrDrill on an Aurora global database, behind the AWS-faithful layer: it checks the global
 * cluster's members, engine versions and AuroraGlobalDBRPOLag, rehearses the failover on the drill
 * record, and never moves the production writer.
 */
import type { ClusterProtectionReport } from '../../src/domain/database/cluster-types';
import type { DrillReport } from '../../src/domain/drill/types';
import { createSourceCluster, globalCluster, putRpoLag, roles } from '../support/database/aurora-world';
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

  const [ready, lagging] = [
    await suite.run<DrillReport>('DrDrill', drill(5)),
    await suite.run<DrillReport>('DrDrill', drill(0)),
  ];

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
