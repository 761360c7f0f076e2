/**
 * What the database tests make straight in moto (never through the layer or a test's proxy): a
 * source instance in us-east-1, a DR network in eu-west-1, ReplicaLag datapoints (nothing publishes
 * RDS metrics on moto, as on the local stack); and what they read back to check what really happened.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateSubnetCommand, CreateVpcCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  type CreateDBInstanceCommandInput,
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
  type DBInstance,
  RDSClient,
} from '@aws-sdk/client-rds';
import { testEnv } from '../env';
import { CREDENTIALS } from '../harness';

export const SOURCE_REGION = 'us-east-1';
export const DR_REGION = 'eu-west-1';

const config = (region: string) => ({ region, endpoint: testEnv().motoUrl, credentials: CREDENTIALS, maxAttempts: 2 });
export const rds = (region: string) => new RDSClient(config(region));
export const ec2 = (region: string) => new EC2Client(config(region));
const cloudWatch = (region: string) => new CloudWatchClient(config(region));

/** A PostgreSQL source with automated backups on (what a source needs), unless `extra` says otherwise. */
export async function createSource(
  id: string,
  extra: Partial<CreateDBInstanceCommandInput> = {},
  region = SOURCE_REGION,
): Promise<DBInstance> {
  const out = await rds(region).send(
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
  return out.DBInstance!;
}

/** A VPC in `region` with one subnet in each of `zones` (letters after the region). */
export async function createNetwork(
  octet: number,
  zones = ['a', 'b'],
  region = DR_REGION,
): Promise<{ vpcId: string; subnetIds: string[]; cidrBlock: string }> {
  const cidrBlock = `10.${octet}.0.0/16`;
  const vpcId = (await ec2(region).send(new CreateVpcCommand({ CidrBlock: cidrBlock }))).Vpc!.VpcId!;
  const subnetIds: string[] = [];
  for (const [i, zone] of zones.entries()) {
    const subnet = await ec2(region).send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.${octet}.${i}.0/24`,
        AvailabilityZone: `${region}${zone}`,
      }),
    );
    subnetIds.push(subnet.Subnet!.SubnetId!);
  }
  return { vpcId, subnetIds, cidrBlock };
}

/** A ReplicaLag datapoint for `id`, as RDS would publish it in the replica's region. */
export async function putLag(id: string, seconds: number, at = new Date(), region = DR_REGION): Promise<void> {
  await cloudWatch(region).send(
    new PutMetricDataCommand({
      Namespace: 'AWS/RDS',
      MetricData: [
        {
          MetricName: 'ReplicaLag',
          Dimensions: [{ Name: 'DBInstanceIdentifier', Value: id }],
          Timestamp: at,
          Value: seconds,
          Unit: 'Seconds',
        },
      ],
    }),
  );
}

export async function instance(region: string, id: string): Promise<DBInstance | undefined> {
  try {
    return (await rds(region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0];
  } catch (err) {
    if ((err as Error).name === 'DBInstanceNotFoundFault') return undefined;
    throw err;
  }
}

/** Every instance identifier in `region`, sorted. */
export async function instanceIds(region: string): Promise<string[]> {
  const out = await rds(region).send(new DescribeDBInstancesCommand({}));
  return (out.DBInstances ?? []).map((d) => d.DBInstanceIdentifier!).sort();
}

export async function subnetGroupNames(region: string): Promise<string[]> {
  const out = await rds(region).send(new DescribeDBSubnetGroupsCommand({}));
  return (out.DBSubnetGroups ?? []).map((g) => g.DBSubnetGroupName!).sort();
}

export async function groupsNamed(region: string, name: string) {
  const out = await ec2(region).send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [name] }] }),
  );
  return (out.SecurityGroups ?? []).filter((g) => g.GroupName === name);
}

export async function tag(arn: string, region: string, tags: Record<string, string>): Promise<void> {
  await rds(region).send(
    new AddTagsToResourceCommand({
      ResourceName: arn,
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}

/** What a protection left in the DR region under a replica's names. */
export async function leftUnder(replicaId: string, region = DR_REGION) {
  return {
    instances: (await instanceIds(region)).filter((id) => id.startsWith(replicaId)),
    subnetGroups: (await subnetGroupNames(region)).filter((n) => n.startsWith(replicaId)),
    groups: (await groupsNamed(region, `${replicaId}-db`)).map((g) => g.GroupId!),
  };
}
