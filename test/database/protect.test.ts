/**
 * ProtectDatabase behind the AWS-faithful layer: a cross-region replica placed in the DR VPC of a
 * real peering setup, behind a group of its own; a re-run that makes nothing; a name taken by
 * someone else; and UnprotectDatabase, which deletes what the protection made and nothing else.
 */
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import {
  DescribeDBInstancesCommand,
  ListTagsForResourceCommand,
  PromoteReadReplicaCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import type { ProtectionReport, UnprotectResult } from '../../src/domain/database/types';
import type { PeeringRequest, PeeringResult } from '../../src/domain/peering/types';
import {
  createNetwork,
  createSource,
  DR_REGION,
  ec2,
  instance,
  leftUnder,
  putLag,
  rds,
  SOURCE_REGION,
  tag,
} from '../support/database/world';
import { sleep, useDatabaseSuite } from '../support/database/suite';
import { applicationFailureOf } from '../support/failures';
import { CREDENTIALS, uniqueId } from '../support/harness';

const suite = useDatabaseSuite();
const SETUP: PeeringRequest = {
  requester: { region: SOURCE_REGION, cidrBlock: '10.210.0.0/16', name: 'db-primary' },
  accepter: {
    region: DR_REGION,
    cidrBlock: '10.211.0.0/16',
    name: 'db-dr',
    subnets: [
      { cidrBlock: '10.211.1.0/24', availabilityZone: 'eu-west-1a' },
      { cidrBlock: '10.211.2.0/24', availabilityZone: 'eu-west-1b' },
    ],
  },
  allow: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }],
  tags: { Project: 'db-test' },
};
let setupId: string;
let setup: PeeringResult;

beforeAll(async () => {
  setupId = uniqueId('db-setup');
  setup = await suite.run<PeeringResult>('SetupInterRegionPeering', SETUP, setupId);
});

/** A source and a protect request for it into the setup's DR VPC, with a caught-up lag already published. */
async function protection(name: string) {
  const source = await createSource(uniqueId(name));
  const replicaId = `${source.DBInstanceIdentifier}-replica`;
  await putLag(replicaId, 2);
  const request = {
    source: { region: SOURCE_REGION, dbInstanceIdentifier: source.DBInstanceIdentifier! },
    replica: { region: DR_REGION, dbInstanceIdentifier: replicaId, network: { setupWorkflowId: setupId } },
    tags: { Project: 'db-test' },
  };
  return { source, replicaId, request };
}

const tagsOf = async (arn: string, region = DR_REGION) =>
  Object.fromEntries(
    ((await rds(region).send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList ?? []).map((t) => [
      t.Key,
      t.Value,
    ]),
  );

describe('GIVEN a peering setup whose DR side has subnets in two zones, and a PostgreSQL source with backups on', () => {
  test('WHEN ProtectDatabase runs into that setup THEN the replica is in the DR VPC, replicating, with only the engine port open from the two VPCs', async () => {
    const { source, replicaId, request } = await protection('abc-db');
    const id = uniqueId('protect');

    const {
      result: report,
      operations,
      changes,
    } = await suite.callsDuring(() => suite.run<ProtectionReport>('ProtectDatabase', request, id));

    const subnets = setup.created.filter((r) => r.type === 'subnet' && r.region === DR_REGION).map((r) => r.id);
    expect(report).toMatchObject({
      source: { ...request.source, arn: source.DBInstanceArn, engine: 'postgres', port: 5432 },
      replica: {
        region: DR_REGION,
        dbInstanceIdentifier: replicaId,
        vpcId: setup.accepter.vpcId,
        dbSubnetGroupName: `${replicaId}-subnets`,
        endpoint: expect.stringContaining(replicaId),
      },
      replicationStatus: 'replicating',
      lagSeconds: 2,
    });
    const replica = (await instance(DR_REGION, replicaId))!;
    expect(replica.ReadReplicaSourceDBInstanceIdentifier).toBe(source.DBInstanceArn);
    expect(replica.DBInstanceClass).toBe('db.t3.medium');
    expect(replica.PubliclyAccessible).toBe(false);
    expect(replica.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual([report.replica.securityGroupId]);
    // The layer shows the replica in its subnet group, as AWS does.
    const viaLayer = new RDSClient({ region: DR_REGION, endpoint: suite.proxy.url, credentials: CREDENTIALS });
    const shown = (await viaLayer.send(new ListTagsForResourceCommand({ ResourceName: report.replica.arn }))).TagList;
    expect(shown).toEqual(expect.arrayContaining([{ Key: 'vpc-peering:protection-id', Value: id }]));
    const group = (
      await ec2(DR_REGION).send(new DescribeSecurityGroupsCommand({ GroupIds: [report.replica.securityGroupId] }))
    ).SecurityGroups![0]!;
    expect(group.GroupName).toBe(`${replicaId}-db`);
    expect(group.VpcId).toBe(setup.accepter.vpcId);
    const rules = (group.IpPermissions ?? []).flatMap((p) =>
      (p.IpRanges ?? []).map((r) => `${p.IpProtocol}:${p.FromPort}-${p.ToPort}:${r.CidrIp}`),
    );
    expect(rules.sort()).toEqual(['tcp:5432-5432:10.210.0.0/16', 'tcp:5432-5432:10.211.0.0/16']);
    expect(group.IpPermissions?.flatMap((p) => p.Ipv6Ranges ?? [])).toEqual([]);
    expect(group.IpPermissionsEgress).toEqual([]);
    expect(Object.fromEntries((group.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
      'vpc-peering:protection-id': id,
      Project: 'db-test',
    });
    expect(await tagsOf(report.replica.arn)).toMatchObject({ 'vpc-peering:protection-id': id, Project: 'db-test' });
    const subnetGroupArn = `arn:aws:rds:${DR_REGION}:123456789012:subgrp:${replicaId}-subnets`;
    expect(await tagsOf(subnetGroupArn)).toMatchObject({ 'vpc-peering:protection-id': id });
    expect(report.created.map((r) => r.type)).toEqual(['db-subnet-group', 'security-group', 'db-instance']);
    expect(subnets).toHaveLength(2);
    // Each at least once (a write naming the new group may be retried while AWS does not see it yet).
    expect([...new Set(changes)].sort()).toEqual([
      'AuthorizeSecurityGroupIngress',
      'CreateDBInstanceReadReplica',
      'CreateDBSubnetGroup',
      'CreateSecurityGroup',
      'RevokeSecurityGroupEgress',
    ]);
    const events = (await suite.worker.client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const at = (e: (typeof events)[number]) =>
      Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
    const waits = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'waitForReplica');
    const replicating = events.find(
      (e) => Number(e.activityTaskCompletedEventAttributes?.scheduledEventId) === Number(waits.at(-1)?.eventId),
    );
    console.log(
      `ProtectDatabase on the suite layer: replicating after ${((at(replicating!) - at(events[0]!)) / 1000).toFixed(1)} s, ` +
        `done after ${((at(events.at(-1)!) - at(events[0]!)) / 1000).toFixed(1)} s; ${operations.length} AWS calls ` +
        `(${changes.length} that change something), ${events.length} history events`,
    );

    // AND a second run under the same id finds it all and changes nothing
    const again = await suite.callsDuring(() => suite.run<ProtectionReport>('ProtectDatabase', request, id));

    expect(again.changes).toEqual([]);
    expect(again.result.created).toEqual(report.created);
    expect(again.result.replica).toEqual(report.replica);
    expect(await leftUnder(replicaId)).toEqual({
      instances: [replicaId],
      subnetGroups: [`${replicaId}-subnets`],
      groups: [report.replica.securityGroupId],
    });
    expect((await instance(SOURCE_REGION, source.DBInstanceIdentifier!))?.DBInstanceStatus).toBe('available');
  });

  test('WHEN an instance that no protection made already has the replica identifier THEN ProtectionConflict, and nothing is made or changed', async () => {
    const { replicaId, request } = await protection('taken');
    await createSource(replicaId, {}, DR_REGION);
    const shape = async () => {
      const db = await instance(DR_REGION, replicaId);
      return [db?.DBInstanceStatus, db?.DBInstanceArn, db?.TagList, db?.DBSubnetGroup, db?.VpcSecurityGroups];
    };
    const before = await shape();

    const { result, changes } = await suite.callsDuring(() =>
      applicationFailureOf(suite.start('ProtectDatabase', request).then((h) => h.result())),
    );

    expect({ type: result.type, nonRetryable: result.nonRetryable }).toEqual({
      type: 'ProtectionConflict',
      nonRetryable: true,
    });
    expect(result.message).toContain(`DB instance ${replicaId} already exists in ${DR_REGION}`);
    expect(changes).toEqual([]);
    expect(await leftUnder(replicaId)).toEqual({ instances: [replicaId], subnetGroups: [], groups: [] });
    expect(await shape()).toEqual(before);
  });
});

describe('GIVEN a protection', () => {
  test('WHEN UnprotectDatabase runs THEN it deletes the replica, its subnet group and group, not the source; a second run deletes nothing', async () => {
    const { source, replicaId, request } = await protection('unprotect');
    const id = uniqueId('protect');
    const report = await suite.run<ProtectionReport>('ProtectDatabase', request, id);

    const first = await suite.run<UnprotectResult>('UnprotectDatabase', { protectWorkflowId: id });

    expect(first.deleted.map((r) => `${r.type}:${r.id}`)).toEqual([
      `db-instance:${replicaId}`,
      `db-subnet-group:${replicaId}-subnets`,
      `security-group:${report.replica.securityGroupId}`,
    ]);
    expect(await leftUnder(replicaId)).toEqual({ instances: [], subnetGroups: [], groups: [] });
    expect((await instance(SOURCE_REGION, source.DBInstanceIdentifier!))?.DBInstanceStatus).toBe('available');

    const second = await suite.callsDuring(() =>
      suite.run<UnprotectResult>('UnprotectDatabase', { protectWorkflowId: id }),
    );

    expect(second.result.deleted).toEqual([]);
    expect(second.result.alreadyGone.map((r) => r.id)).toEqual([replicaId, `${replicaId}-subnets`]);
    expect(second.changes).toEqual([]);
  });

  test.each([
    ['promoted by RDS (it replicates from nothing)', 'promote'],
    ['tagged vpc-peering:promoted-by', 'tag'],
  ])(
    'WHEN its replica has been %s AND UnprotectDatabase runs THEN ProtectionInUse, and nothing is deleted',
    async (_what, how) => {
      const { replicaId, request } = await protection(`in-use-${how}`);
      const id = uniqueId('protect');
      const report = await suite.run<ProtectionReport>('ProtectDatabase', request, id);
      if (how === 'promote') {
        const viaLayer = new RDSClient({ region: DR_REGION, endpoint: suite.proxy.url, credentials: CREDENTIALS });
        await viaLayer.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: replicaId }));
        for (let i = 0; i < 100; i++) {
          const db = (await viaLayer.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: replicaId })))
            .DBInstances![0]!;
          if (db.DBInstanceStatus === 'available' && !db.ReadReplicaSourceDBInstanceIdentifier) break;
          await sleep(200);
        }
      } else {
        await tag(report.replica.arn, DR_REGION, { 'vpc-peering:promoted-by': 'abc-failover' });
      }
      const before = await leftUnder(replicaId);

      const { result, changes } = await suite.callsDuring(() =>
        applicationFailureOf(suite.start('UnprotectDatabase', { protectWorkflowId: id }).then((h) => h.result())),
      );

      expect({ type: result.type, nonRetryable: result.nonRetryable }).toEqual({
        type: 'ProtectionInUse',
        nonRetryable: true,
      });
      expect(result.message).toContain(`${replicaId} in ${DR_REGION} has been promoted`);
      expect(changes).toEqual([]);
      expect(await leftUnder(replicaId)).toEqual(before);
      expect(before.instances).toEqual([replicaId]);
    },
  );
});

describe('GIVEN a DR network named by its VPC and subnets', () => {
  test('WHEN the request names allowFrom THEN the group admits exactly those CIDRs on the engine port', async () => {
    const net = await createNetwork(212);
    const source = await createSource(uniqueId('allow'), { Engine: 'mysql' });
    const replicaId = `${source.DBInstanceIdentifier}-replica`;
    await putLag(replicaId, 0);

    const report = await suite.run<ProtectionReport>('ProtectDatabase', {
      source: { region: SOURCE_REGION, dbInstanceIdentifier: source.DBInstanceIdentifier },
      replica: {
        region: DR_REGION,
        dbInstanceIdentifier: replicaId,
        network: { vpcId: net.vpcId, subnetIds: net.subnetIds },
        dbInstanceClass: 'db.t3.small',
      },
      allowFrom: ['10.212.1.0/24', '192.168.10.0/24'],
    });

    const group = (
      await ec2(DR_REGION).send(new DescribeSecurityGroupsCommand({ GroupIds: [report.replica.securityGroupId] }))
    ).SecurityGroups![0]!;
    const rules = (group.IpPermissions ?? []).flatMap((p) =>
      (p.IpRanges ?? []).map((r) => `${p.IpProtocol}:${p.FromPort}-${p.ToPort}:${r.CidrIp}`),
    );
    expect(rules.sort()).toEqual(['tcp:3306-3306:10.212.1.0/24', 'tcp:3306-3306:192.168.10.0/24']);
    expect(report.source.port).toBe(3306);
    expect((await instance(DR_REGION, replicaId))?.DBInstanceClass).toBe('db.t3.small');
    expect(report.replica.vpcId).toBe(net.vpcId);
  });
});
