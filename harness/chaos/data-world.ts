/**
 * The world a chaos data run starts from, made straight in moto (never through the fault proxy):
 * in the primary region a VPC with subnets in two zones, a DB subnet group, a group and a
 * PostgreSQL source with backups on; in the DR region a VPC with subnets in two zones; an active
 * peering between the two with a route on each side; a hosted zone whose record points at the
 * primary; and ReplicaLag datapoints for the replicas to come (nothing publishes RDS metrics on moto).
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  AcceptVpcPeeringConnectionCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand, CreateDBSubnetGroupCommand, RDSClient } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Data runs fail over from the first to the second and back: the ABC Corp example's pair. */
export const DATA_REGIONS = ['us-east-1', 'eu-west-1'] as const;

export interface DataWorld {
  index: number;
  primaryRegion: string;
  drRegion: string;
  /** The source instance; after re-protection, the replica in the primary region takes its name. */
  sourceId: string;
  replicaId: string;
  dr: { vpcId: string; subnetIds: string[] };
  peeringConnectionId: string;
  hostedZoneId: string;
  recordName: string;
  primaryValue: string;
  drValue: string;
}

const clients = (motoUrl: string, region: string) => {
  const config = { region, endpoint: motoUrl, credentials: CREDENTIALS, maxAttempts: 5 };
  return { ec2: new EC2Client(config), rds: new RDSClient(config), cloudWatch: new CloudWatchClient(config) };
};

async function network(ec2: EC2Client, cidr: (third: number) => string, region: string) {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr(0).replace(/\/24$/, '/17') }))).Vpc!.VpcId!;
  const subnetIds: string[] = [];
  for (const [i, zone] of ['a', 'b'].entries()) {
    const out = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr(i), AvailabilityZone: `${region}${zone}` }),
    );
    subnetIds.push(out.Subnet!.SubnetId!);
  }
  return { vpcId, subnetIds };
}

/** ReplicaLag of 1 s, now, for both replicas a data run makes (the DR replica, and the re-protected one). */
export async function putDataLag(motoUrl: string, world: DataWorld): Promise<void> {
  const put = (region: string, id: string) =>
    clients(motoUrl, region).cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/RDS',
        MetricData: [
          {
            MetricName: 'ReplicaLag',
            Dimensions: [{ Name: 'DBInstanceIdentifier', Value: id }],
            Timestamp: new Date(),
            Value: 1,
            Unit: 'Seconds',
          },
        ],
      }),
    );
  await Promise.all([put(world.drRegion, world.replicaId), put(world.primaryRegion, world.sourceId)]);
}

/** Data run `index`: its CIDRs are 172.(16 + index).0.0/17 (primary) and .128.0/17 (DR), clear of the setups' 10/8. */
export async function makeDataWorld(motoUrl: string, index: number, runTag: string): Promise<DataWorld> {
  const [primaryRegion, drRegion] = DATA_REGIONS;
  const p = clients(motoUrl, primaryRegion);
  const d = clients(motoUrl, drRegion);
  const octet = 16 + (index % 16);
  const name = `chaos-d${index}-${runTag.slice(-4)}`;
  const [home, dr] = await Promise.all([
    network(p.ec2, (i) => `172.${octet}.${i}.0/24`, primaryRegion),
    network(d.ec2, (i) => `172.${octet}.${128 + i}.0/24`, drRegion),
  ]);
  const pcx = (
    await p.ec2.send(
      new CreateVpcPeeringConnectionCommand({ VpcId: home.vpcId, PeerVpcId: dr.vpcId, PeerRegion: drRegion }),
    )
  ).VpcPeeringConnection!.VpcPeeringConnectionId!;
  await d.ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  for (const [ec2, vpcId, peer] of [
    [p.ec2, home.vpcId, `172.${octet}.128.0/17`],
    [d.ec2, dr.vpcId, `172.${octet}.0.0/17`],
  ] as const) {
    const tables = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    const table = tables.RouteTables!.find((t) => t.VpcId === vpcId)!;
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: table.RouteTableId!,
        DestinationCidrBlock: peer,
        VpcPeeringConnectionId: pcx,
      }),
    );
  }
  const subnetGroup = `${name}-home`;
  await p.rds.send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: subnetGroup,
      DBSubnetGroupDescription: 'chaos data run: the primary site',
      SubnetIds: home.subnetIds,
    }),
  );
  const groupId = (
    await p.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: `${name}-app`, Description: 'app to db', VpcId: home.vpcId }),
    )
  ).GroupId!;
  const sourceId = `${name}-db`;
  await p.rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: sourceId,
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.medium',
      MasterUsername: 'abc',
      MasterUserPassword: 'not-a-secret-1',
      AllocatedStorage: 20,
      BackupRetentionPeriod: 7,
      DBSubnetGroupName: subnetGroup,
      VpcSecurityGroupIds: [groupId],
    }),
  );
  const r53 = new Route53Client({ region: 'us-east-1', endpoint: motoUrl, credentials: CREDENTIALS, maxAttempts: 5 });
  const zoneName = `${name}.example.`;
  const hostedZoneId = (
    await r53.send(new CreateHostedZoneCommand({ Name: zoneName, CallerReference: `${name}-${Date.now()}` }))
  ).HostedZone!.Id!.replace('/hostedzone/', '');
  const world: DataWorld = {
    index,
    primaryRegion,
    drRegion,
    sourceId,
    replicaId: `${sourceId}-replica`,
    dr,
    peeringConnectionId: pcx,
    hostedZoneId,
    recordName: `app.${zoneName}`,
    primaryValue: `primary-alb.${primaryRegion}.elb.amazonaws.com`,
    drValue: `dr-alb.${drRegion}.elb.amazonaws.com`,
  };
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: world.recordName,
              Type: 'CNAME',
              TTL: 60,
              ResourceRecords: [{ Value: world.primaryValue }],
            },
          },
        ],
      },
    }),
  );
  await putDataLag(motoUrl, world);
  for (const c of [p, d]) [c.ec2, c.rds, c.cloudWatch].forEach((x) => x.destroy());
  r53.destroy();
  return world;
}
