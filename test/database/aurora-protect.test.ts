/**
 * ProtectDatabase and UnprotectDatabase for an Aurora cluster, behind the AWS-faithful layer: the
 * source becomes the primary of a global cluster, a secondary with one reader joins it in the DR VPC
 * of a real peering setup; bad input is refused before any change; unprotect removes the secondary.
 */
import { CreateDBClusterCommand, CreateGlobalClusterCommand, DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import type { ClusterProtectionReport } from '../../src/domain/database/cluster-types';
import type { UnprotectResult } from '../../src/domain/database/types';
import type { PeeringRequest, PeeringResult } from '../../src/domain/peering/types';
import {
  clusterIds,
  createSourceCluster,
  globalCluster,
  putRpoLag,
  roles,
  viaLayer,
} from '../support/database/aurora-world';
import { useDatabaseSuite } from '../support/database/suite';
import { DR_REGION, ec2, instanceIds, leftUnder, rds, SOURCE_REGION } from '../support/database/world';
import { applicationFailureOf } from '../support/failures';
import { uniqueId } from '../support/harness';

const suite = useDatabaseSuite();
const SETUP: PeeringRequest = {
  requester: { region: SOURCE_REGION, cidrBlock: '10.212.0.0/16', name: 'aurora-primary' },
  accepter: {
    region: DR_REGION,
    cidrBlock: '10.213.0.0/16',
    name: 'aurora-dr',
    subnets: [
      { cidrBlock: '10.213.1.0/24', availabilityZone: 'eu-west-1a' },
      { cidrBlock: '10.213.2.0/24', availabilityZone: 'eu-west-1b' },
    ],
  },
  allow: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }],
};
let setupId: string;
let setup: PeeringResult;

beforeAll(async () => {
  setupId = uniqueId('aurora-setup');
  setup = await suite.run<PeeringResult>('SetupInterRegionPeering', SETUP, setupId);
});

async function protection(name: string) {
  const sourceId = uniqueId(name);
  const source = await createSourceCluster(sourceId);
  const replicaId = `${sourceId}-dr`;
  await putRpoLag(replicaId, 1500);
  const request = {
    source: { region: SOURCE_REGION, dbClusterIdentifier: sourceId },
    replica: { region: DR_REGION, dbClusterIdentifier: replicaId, network: { setupWorkflowId: setupId } },
    tags: { Project: 'aurora-test' },
  };
  return { source, sourceId, replicaId, request };
}

describe('GIVEN a peering setup with a DR side in two zones, and an Aurora PostgreSQL cluster with a writer', () => {
  test('WHEN ProtectDatabase runs for the cluster THEN the source leads a new global cluster and a secondary with one reader is in the DR VPC, connected, within the lag gate; a re-run changes nothing; UnprotectDatabase removes the secondary only', async () => {
    const { source, sourceId, replicaId, request } = await protection('aurora');
    const id = uniqueId('protect-aurora');

    const { result: report, changes } = await suite.callsDuring(() =>
      suite.run<ClusterProtectionReport>('ProtectDatabase', request, id),
    );

    expect(report).toMatchObject({
      source: { ...request.source, arn: source.DBClusterArn, engine: 'aurora-postgresql', port: 5432 },
      replica: {
        region: DR_REGION,
        dbClusterIdentifier: replicaId,
        vpcId: setup.accepter.vpcId,
        dbSubnetGroupName: `${replicaId}-subnets`,
        readerInstanceIdentifier: `${replicaId}-reader`,
      },
      globalClusterIdentifier: `${sourceId}-global`,
      replicationStatus: 'connected',
      lagSeconds: 1.5,
    });
    expect(roles(await globalCluster(suite.proxy.url, `${sourceId}-global`))).toEqual([
      `${replicaId}:reader`,
      `${sourceId}:writer`,
    ]);
    const secondary = (
      await viaLayer(suite.proxy.url, DR_REGION).send(new DescribeDBClustersCommand({ DBClusterIdentifier: replicaId }))
    ).DBClusters![0]!;
    expect(secondary.DBClusterMembers?.map((m) => [m.DBInstanceIdentifier, m.IsClusterWriter])).toEqual([
      [`${replicaId}-reader`, false],
    ]);
    expect(secondary.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual([report.replica.securityGroupId]);
    const group = (
      await ec2(DR_REGION).send(new DescribeSecurityGroupsCommand({ GroupIds: [report.replica.securityGroupId] }))
    ).SecurityGroups![0]!;
    expect(group.VpcId).toBe(setup.accepter.vpcId);
    const rules = (group.IpPermissions ?? []).flatMap((p) =>
      (p.IpRanges ?? []).map((r) => `${p.IpProtocol}:${p.FromPort}-${p.ToPort}:${r.CidrIp}`),
    );
    expect(rules.sort()).toEqual(['tcp:5432-5432:10.212.0.0/16', 'tcp:5432-5432:10.213.0.0/16']);
    expect(Object.fromEntries((secondary.TagList ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
      'vpc-peering:protection-id': id,
      Project: 'aurora-test',
    });
    expect(report.created.map((r) => r.type)).toEqual([
      'global-cluster',
      'db-subnet-group',
      'security-group',
      'db-cluster',
      'db-instance',
    ]);
    expect([...new Set(changes)].sort()).toEqual([
      'AuthorizeSecurityGroupIngress',
      'CreateDBCluster',
      'CreateDBInstance',
      'CreateDBSubnetGroup',
      'CreateGlobalCluster',
      'CreateSecurityGroup',
      'RevokeSecurityGroupEgress',
    ]);

    // AND a second run under the same id changes nothing
    const again = await suite.callsDuring(() => suite.run<ClusterProtectionReport>('ProtectDatabase', request, id));
    expect(again.changes).toEqual([]);
    expect(again.result.replica).toEqual(report.replica);

    // AND UnprotectDatabase removes the secondary, its reader, subnet group and group, not the source
    const removed = await suite.run<UnprotectResult>('UnprotectDatabase', { protectWorkflowId: id });
    expect(removed.deleted.map((r) => `${r.type}:${r.id}`)).toEqual([
      `db-cluster:${replicaId}`,
      `db-subnet-group:${replicaId}-subnets`,
      `security-group:${report.replica.securityGroupId}`,
    ]);
    expect(await clusterIds(DR_REGION)).not.toContain(replicaId);
    expect((await instanceIds(DR_REGION)).filter((i) => i.startsWith(replicaId))).toEqual([]);
    expect(await leftUnder(replicaId)).toEqual({ instances: [], subnetGroups: [], groups: [] });
    expect(roles(await globalCluster(suite.proxy.url, `${sourceId}-global`))).toEqual([`${sourceId}:writer`]);
    expect(await clusterIds(SOURCE_REGION)).toContain(sourceId);
    const second = await suite.run<UnprotectResult>('UnprotectDatabase', { protectWorkflowId: id });
    expect(second.deleted).toEqual([]);
  });

  test('WHEN the source is not Aurora, the sides mix an instance and a cluster, or the global cluster members run other engine versions THEN InvalidProtectionRequest naming the field, and nothing changes', async () => {
    const plain = uniqueId('plain');
    await rds(SOURCE_REGION).send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: plain,
        Engine: 'postgres',
        MasterUsername: 'abc',
        MasterUserPassword: 'not-a-secret-1',
      }),
    );
    const mixed = await protection('mixed');
    const upgrading = await protection('upgrading');
    const layer = (region: string) => viaLayer(suite.proxy.url, region);
    const globalId = `${upgrading.sourceId}-global`;
    await layer(SOURCE_REGION).send(
      new CreateGlobalClusterCommand({
        GlobalClusterIdentifier: globalId,
        SourceDBClusterIdentifier: upgrading.source.DBClusterArn,
      }),
    );
    await layer('us-west-2').send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: `${upgrading.sourceId}-west`,
        GlobalClusterIdentifier: globalId,
        Engine: 'aurora-postgresql',
        EngineVersion: '13.9',
      }),
    );
    const requests = [
      { ...mixed.request, source: { region: SOURCE_REGION, dbClusterIdentifier: plain } },
      {
        ...mixed.request,
        replica: { ...mixed.request.replica, dbClusterIdentifier: undefined, dbInstanceIdentifier: 'x-db' },
      },
      {
        ...mixed.request,
        source: { region: SOURCE_REGION, dbClusterIdentifier: mixed.sourceId, dbInstanceIdentifier: 'x-db' },
      },
      upgrading.request,
    ];

    const { result: failures, changes } = await suite.callsDuring(() =>
      Promise.all(requests.map((r) => applicationFailureOf(suite.start('ProtectDatabase', r).then((h) => h.result())))),
    );

    expect(failures.map((f) => f.type)).toEqual(Array(4).fill('InvalidProtectionRequest'));
    expect(failures[0]!.message).toMatch(
      /source\.dbClusterIdentifier.*runs postgres; a global database is made of Aurora clusters/,
    );
    expect(failures[1]!.message).toContain('replica.');
    expect(failures[2]!.message).toMatch(
      /source\.dbInstanceIdentifier.*exactly one of dbInstanceIdentifier and dbClusterIdentifier/,
    );
    expect(failures[3]!.message).toMatch(/engine versions of .*-global differ \(12\.7, 13\.9\)/);
    expect(changes).toEqual([]);
    expect(await clusterIds(DR_REGION)).toEqual(expect.not.arrayContaining([mixed.replicaId, upgrading.replicaId]));
  });
});
