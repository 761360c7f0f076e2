/** GIVEN steps for the layer's RDS tests, made straight in moto: a source instance and a DR network. */
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  DescribeDBInstancesCommand,
  type DBInstance,
  RDSClient,
} from '@aws-sdk/client-rds';
import { type ClientClass } from './layer-env';

export const SOURCE_REGION = 'us-east-1';
export const REPLICA_REGION = 'eu-west-1';

type Factory = <C extends { destroy(): void }>(Client: ClientClass<C>, region?: string) => C;

export interface DrNetwork {
  vpcId: string;
  subnetIds: string[];
  groupId: string;
  subnetGroup: string;
}

export async function createSource(
  moto: Factory,
  id = 'abc-db',
  extra: { BackupRetentionPeriod?: number; StorageEncrypted?: boolean } = {},
): Promise<string> {
  const out = await moto(RDSClient, SOURCE_REGION).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.medium',
      MasterUsername: 'abc',
      MasterUserPassword: 'not-a-secret-1',
      AllocatedStorage: 20,
      BackupRetentionPeriod: 7,
      ...extra,
    }),
  );
  return out.DBInstance!.DBInstanceArn!;
}

/** A VPC with two subnets in two zones, a DB security group and a DB subnet group, in `region`. */
export async function createNetwork(
  moto: Factory,
  region = REPLICA_REGION,
  name = 'abc-db-replica-subnets',
): Promise<DrNetwork> {
  const ec2 = moto(EC2Client, region);
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.41.0.0/16' }))).Vpc!.VpcId!;
  const subnetIds: string[] = [];
  for (const [i, zone] of ['a', 'b'].entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.41.${i}.0/24`, AvailabilityZone: `${region}${zone}` }),
    );
    subnetIds.push(subnet.Subnet!.SubnetId!);
  }
  const groupId = (
    await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'abc-db-replica-db', Description: 'db' }))
  ).GroupId!;
  await moto(RDSClient, region).send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: name,
      DBSubnetGroupDescription: 'DR subnets',
      SubnetIds: subnetIds,
    }),
  );
  return { vpcId, subnetIds, groupId, subnetGroup: name };
}

export async function describeDb(rds: RDSClient, id: string): Promise<DBInstance> {
  const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  return out.DBInstances![0]!;
}

/** Describes `id` every 50 ms until `done`, or fails after `ms`; returns every status seen, in order. */
export async function statusesUntil(
  rds: RDSClient,
  id: string,
  done: (db: DBInstance | undefined) => boolean,
  ms = 5_000,
): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + ms;
  for (;;) {
    let db: DBInstance | undefined;
    try {
      db = await describeDb(rds, id);
    } catch (err) {
      if ((err as Error).name !== 'DBInstanceNotFoundFault') throw err;
    }
    const status = db?.DBInstanceStatus ?? 'not-found';
    if (seen[seen.length - 1] !== status) seen.push(status);
    if (done(db)) return seen;
    if (Date.now() > deadline) throw new Error(`${id} never got there; seen ${seen.join(' → ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
