/** The AWS-faithful layer: cross-region read replicas as AWS makes them (harness/faithful/rds-replica.ts). */
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateDBInstanceReadReplicaCommand,
  DescribeDBInstancesCommand,
  PromoteReadReplicaCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { failureOf, sleep, useFaithfulAws } from './layer-env';
import { createNetwork, createSource, describeDb, REPLICA_REGION, SOURCE_REGION, statusesUntil } from './rds-world';

const env = useFaithfulAws({ timing: { rds: { creatingMs: 600 } } });

/** A replica of `source` in the replica region; in `network` when given (else where RDS places it). */
const replicaIn = (network: { subnetGroup: string; groupId?: string } | undefined, source: string) =>
  new CreateDBInstanceReadReplicaCommand({
    DBInstanceIdentifier: 'abc-db-replica',
    SourceDBInstanceIdentifier: source,
    ...(network ? { DBSubnetGroupName: network.subnetGroup } : {}),
    ...(network?.groupId ? { VpcSecurityGroupIds: [network.groupId] } : {}),
  });

async function instanceIds(region: string): Promise<string[]> {
  const out = await env.moto(RDSClient, region).send(new DescribeDBInstancesCommand({}));
  return (out.DBInstances ?? []).map((db) => db.DBInstanceIdentifier!);
}

describe('AWS-faithful layer: cross-region read replicas', () => {
  test("GIVEN a DB subnet group in the replica's region WHEN a replica of a source in another region is created in it THEN it succeeds, in that group's VPC, subnets and zones, with the groups asked for", async () => {
    const source = await createSource(env.moto);
    const network = await createNetwork(env.moto);
    const rds = env.aws(RDSClient, REPLICA_REGION);

    await rds.send(replicaIn(network, source));

    const replica = await describeDb(rds, 'abc-db-replica');
    expect(replica.DBSubnetGroup?.DBSubnetGroupName).toBe(network.subnetGroup);
    expect(replica.DBSubnetGroup?.VpcId).toBe(network.vpcId);
    expect(replica.DBSubnetGroup?.Subnets?.map((s) => s.SubnetIdentifier).sort()).toEqual(
      [...network.subnetIds].sort(),
    );
    expect(replica.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual([network.groupId]);
    expect(replica.AvailabilityZone).toMatch(/^eu-west-1[ab]$/);
    expect(replica.ReadReplicaSourceDBInstanceIdentifier).toBe(source);
  });

  test("GIVEN a DB subnet group of that name only in the source's region WHEN a cross-region replica names it THEN DBSubnetGroupNotFoundFault, and no replica is made", async () => {
    const source = await createSource(env.moto);
    const inSourceRegion = await createNetwork(env.moto, SOURCE_REGION, 'abc-db-replica-subnets');

    const err = await failureOf(
      env.aws(RDSClient, REPLICA_REGION).send(replicaIn({ subnetGroup: inSourceRegion.subnetGroup }, source)),
    );

    expect(err.name).toBe('DBSubnetGroupNotFoundFault');
    expect(err.message).toBe("DBSubnetGroup 'abc-db-replica-subnets' not found.");
    expect(await instanceIds(REPLICA_REGION)).toEqual([]);
  });

  test('GIVEN a subnet group and no security groups named WHEN the replica is created THEN it is in the VPC default group, as AWS places it', async () => {
    const source = await createSource(env.moto);
    const network = await createNetwork(env.moto);
    const { SecurityGroups = [] } = await env.moto(EC2Client, REPLICA_REGION).send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [network.vpcId] },
          { Name: 'group-name', Values: ['default'] },
        ],
      }),
    );

    await env.aws(RDSClient, REPLICA_REGION).send(replicaIn({ subnetGroup: network.subnetGroup }, source));

    const replica = await describeDb(env.aws(RDSClient, REPLICA_REGION), 'abc-db-replica');
    expect(replica.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual([SecurityGroups[0]!.GroupId]);
  });

  test('GIVEN a source with automated backups off WHEN a replica of it is created THEN InvalidDBInstanceState, and no replica is made', async () => {
    const source = await createSource(env.moto, 'abc-db', { BackupRetentionPeriod: 0 });

    const err = await failureOf(env.aws(RDSClient, REPLICA_REGION).send(replicaIn(undefined, source)));

    expect(err.name).toBe('InvalidDBInstanceStateFault');
    expect(err.message).toMatch(/^Automated backups are not enabled for this database instance/);
    expect(await instanceIds(REPLICA_REGION)).toEqual([]);
  });

  test('GIVEN an encrypted source WHEN a cross-region replica is created without KmsKeyId THEN InvalidParameterCombination; with a key of the replica region it is made', async () => {
    const source = await createSource(env.moto, 'abc-db', { StorageEncrypted: true });
    const rds = env.aws(RDSClient, REPLICA_REGION);

    const err = await failureOf(rds.send(replicaIn(undefined, source)));

    expect(err.name).toBe('InvalidParameterCombination');
    expect(err.message).toBe('Cannot create a cross region unencrypted read replica from encrypted source.');
    expect(await instanceIds(REPLICA_REGION)).toEqual([]);
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/0b7e4f6c-1d2a-4c1e-9a0e-6f1e2d3c4b5a';
    await rds.send(new CreateDBInstanceReadReplicaCommand({ ...replicaIn(undefined, source).input, KmsKeyId: key }));
    expect(await instanceIds(REPLICA_REGION)).toEqual(['abc-db-replica']);
  });

  test('GIVEN an instance named like the replica WHEN the replica is created THEN DBInstanceAlreadyExists, and the instance is untouched', async () => {
    const source = await createSource(env.moto);
    const other = await createSource(env.moto, 'other-db');
    await env.moto(RDSClient, REPLICA_REGION).send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: 'abc-db-replica',
        SourceDBInstanceIdentifier: other,
      }),
    );

    const err = await failureOf(env.aws(RDSClient, REPLICA_REGION).send(replicaIn(undefined, source)));

    expect(err.name).toBe('DBInstanceAlreadyExistsFault');
    expect(
      (await describeDb(env.moto(RDSClient, REPLICA_REGION), 'abc-db-replica')).ReadReplicaSourceDBInstanceIdentifier,
    ).toBe(other);
  });

  test('GIVEN a new replica WHEN it is described until available THEN it is creating (no endpoint) first, then available and replicating; the source lists its ARN', async () => {
    const source = await createSource(env.moto);
    const rds = env.aws(RDSClient, REPLICA_REGION);

    const created = await rds.send(replicaIn(undefined, source));

    expect(created.DBInstance?.DBInstanceStatus).toBe('creating');
    expect(created.DBInstance?.Endpoint).toBeUndefined();
    expect(created.DBInstance?.StatusInfos).toBeUndefined();
    const seen = await statusesUntil(rds, 'abc-db-replica', (db) => db?.DBInstanceStatus === 'available');
    expect(seen).toEqual(['creating', 'available']);
    const replica = await describeDb(rds, 'abc-db-replica');
    expect(replica.StatusInfos).toEqual([{ StatusType: 'read replication', Normal: true, Status: 'replicating' }]);
    expect(replica.Endpoint?.Address).toMatch(/^abc-db-replica\./);
    const listed = (await describeDb(env.aws(RDSClient, SOURCE_REGION), 'abc-db')).ReadReplicaDBInstanceIdentifiers;
    expect(listed).toEqual([replica.DBInstanceArn]);
  });

  test('GIVEN a replicating replica WHEN it is promoted THEN modifying, then available with no source and no StatusInfos, still in its subnet group; the source no longer lists it', async () => {
    const source = await createSource(env.moto);
    const network = await createNetwork(env.moto);
    const rds = env.aws(RDSClient, REPLICA_REGION);
    await rds.send(replicaIn(network, source));
    await statusesUntil(rds, 'abc-db-replica', (db) => db?.DBInstanceStatus === 'available');
    if (env.layer) Object.assign(env.layer.promotionTiming, { modifyingMs: 500, sourceLingersMs: 0 });

    await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'abc-db-replica' }));

    expect((await describeDb(rds, 'abc-db-replica')).DBInstanceStatus).toBe('modifying');
    await sleep(600);
    const promoted = await describeDb(rds, 'abc-db-replica');
    expect([promoted.DBInstanceStatus, promoted.ReadReplicaSourceDBInstanceIdentifier, promoted.StatusInfos]).toEqual([
      'available',
      undefined,
      undefined,
    ]);
    expect(promoted.DBSubnetGroup?.DBSubnetGroupName).toBe(network.subnetGroup);
    expect((await describeDb(env.aws(RDSClient, SOURCE_REGION), 'abc-db')).ReadReplicaDBInstanceIdentifiers).toEqual(
      [],
    );
  });
});
