/**
 * What `npm run lifecycle` starts from, made on the embedded local stack only: two VPCs (two zones
 * each) peered across us-east-1 and eu-west-1 with routes, a PostgreSQL primary in its own subnet
 * group and group in us-east-1, a hosted zone whose record points to us-east-1, and a web group in
 * each region (the writers in us-east-1, the pilot light asleep in eu-west-1). Names carry a run
 * suffix, so a second run starts afresh beside the first.
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  AcceptVpcPeeringConnectionCommand,
  CreateLaunchTemplateCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  RDSClient,
  waitUntilDBInstanceAvailable,
} from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { randomUUID } from 'node:crypto';

export const HOME = 'us-east-1';
export const DR = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Loopback, and moto's own API answering behind it: the embedded stack, not AWS. */
export async function assertLocalStack(endpoint: string): Promise<void> {
  const url = new URL(endpoint);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    throw new Error(`${endpoint} is not the local stack (loopback only); the lifecycle makes nothing elsewhere`);
  const probe = await fetch(new URL('/moto-api/', url)).catch(() => undefined);
  if (!probe?.ok) throw new Error(`${endpoint} does not answer moto's /moto-api/: not the embedded stack`);
}

/**
 * The stack is eventually consistent, as AWS is (up to 0.5 s): a call naming something made moments
 * ago may answer NotFound. Retries that for a few seconds.
 */
async function settled<T>(call: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (err) {
      const e = err as Error;
      if (i >= 20 || !/NotFound|does not exist/i.test(`${e.name} ${e.message}`)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

export interface LifecycleWorld {
  name: string;
  source: { region: string; dbInstanceIdentifier: string };
  replica: { region: string; dbInstanceIdentifier: string; network: { vpcId: string; subnetIds: string[] } };
  peeringConnectionId: string;
  hostedZoneId: string;
  recordName: string;
  homeValue: string;
  drValue: string;
  writers: string;
  pilotLight: string;
}

/** Every call retries the stack's eventual consistency (see `settled`). */
function patient<C extends { send: (...args: never[]) => Promise<unknown> }>(client: C): C {
  const send = client.send.bind(client);
  const retried: C['send'] = (...args) => settled(() => send(...args));
  client.send = retried;
  return client;
}

export function stackClients(endpoint: string) {
  const config = (region: string) => ({ region, endpoint, credentials: CREDENTIALS });
  return {
    ec2: (region: string) => patient(new EC2Client(config(region))),
    rds: (region: string) => patient(new RDSClient(config(region))),
    cloudWatch: (region: string) => new CloudWatchClient(config(region)),
    autoScaling: (region: string) => patient(new AutoScalingClient(config(region))),
    route53: () => patient(new Route53Client(config(HOME))),
  };
}

/** A ReplicaLag datapoint, as RDS publishes it in the replica's region once a minute (the stack publishes none). */
export async function putLag(endpoint: string, region: string, id: string, seconds: number, at = new Date()) {
  await stackClients(endpoint)
    .cloudWatch(region)
    .send(
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

async function network(ec2: EC2Client, region: string, octet: number) {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${octet}.0.0/16` }))).Vpc!.VpcId!;
  const subnetIds: string[] = [];
  for (const [i, zone] of ['a', 'b'].entries()) {
    const out = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.${octet}.${i}.0/24`,
        AvailabilityZone: `${region}${zone}`,
      }),
    );
    subnetIds.push(out.Subnet!.SubnetId!);
  }
  return { vpcId, subnetIds };
}

async function group(endpoint: string, region: string, name: string, subnetId: string, desired: number) {
  const c = stackClients(endpoint);
  await c.ec2(region).send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `${name}-lt`,
      LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' },
    }),
  );
  await c.autoScaling(region).send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchTemplate: { LaunchTemplateName: `${name}-lt`, Version: '$Latest' },
      MinSize: 0,
      MaxSize: 4,
      DesiredCapacity: desired,
      VPCZoneIdentifier: subnetId,
    }),
  );
  return name;
}

async function until(ec2: EC2Client, pcx: string, state: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
    if (out.VpcPeeringConnections?.[0]?.Status?.Code === state) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${pcx} never became ${state}`);
}

export async function makeWorld(endpoint: string): Promise<LifecycleWorld> {
  const name = `lc-${randomUUID().slice(0, 6)}`;
  const c = stackClients(endpoint);
  const [home, dr] = await Promise.all([network(c.ec2(HOME), HOME, 60), network(c.ec2(DR), DR, 61)]);
  const pcx = (
    await c
      .ec2(HOME)
      .send(new CreateVpcPeeringConnectionCommand({ VpcId: home.vpcId, PeerVpcId: dr.vpcId, PeerRegion: DR }))
  ).VpcPeeringConnection!.VpcPeeringConnectionId!;
  // As on AWS, the request is `initiating-request` for a moment, then `pending-acceptance`.
  await until(c.ec2(HOME), pcx, 'pending-acceptance');
  await c.ec2(DR).send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  await until(c.ec2(HOME), pcx, 'active');
  for (const [region, vpc, peer] of [
    [HOME, home.vpcId, '10.61.0.0/16'],
    [DR, dr.vpcId, '10.60.0.0/16'],
  ] as const) {
    const tables = await c
      .ec2(region)
      .send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] }));
    await c.ec2(region).send(
      new CreateRouteCommand({
        RouteTableId: tables.RouteTables![0]!.RouteTableId!,
        DestinationCidrBlock: peer,
        VpcPeeringConnectionId: pcx,
      }),
    );
  }
  const db = `${name}-db`;
  const rds = c.rds(HOME);
  await rds.send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: `${db}-home`,
      DBSubnetGroupDescription: 'the primary site',
      SubnetIds: home.subnetIds,
    }),
  );
  const groupId = (
    await c
      .ec2(HOME)
      .send(new CreateSecurityGroupCommand({ GroupName: `${db}-app`, Description: 'app to db', VpcId: home.vpcId }))
  ).GroupId!;
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: db,
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.medium',
      AllocatedStorage: 20,
      MasterUsername: 'abc',
      // The emulator's; a real database takes its password from a secret, never from a script.
      MasterUserPassword: 'local-stack-only',
      BackupRetentionPeriod: 7,
      DBSubnetGroupName: `${db}-home`,
      VpcSecurityGroupIds: [groupId],
    }),
  );
  await waitUntilDBInstanceAvailable(
    { client: rds, minDelay: 1, maxDelay: 2, maxWaitTime: 120 },
    { DBInstanceIdentifier: db },
  );
  const zoneName = `${name}.example.`;
  const hostedZoneId = (
    await c.route53().send(new CreateHostedZoneCommand({ Name: zoneName, CallerReference: randomUUID() }))
  ).HostedZone!.Id!.replace('/hostedzone/', '');
  const [recordName, homeValue, drValue] = [
    `app.${zoneName}`,
    `primary-alb.${HOME}.elb.amazonaws.com`,
    `dr-alb.${DR}.elb.amazonaws.com`,
  ];
  await c.route53().send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: { Name: recordName, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: homeValue }] },
          },
        ],
      },
    }),
  );
  const [writers, pilotLight] = await Promise.all([
    group(endpoint, HOME, `${name}-web`, home.subnetIds[0]!, 2),
    group(endpoint, DR, `${name}-web-dr`, dr.subnetIds[0]!, 0),
  ]);
  return {
    name,
    source: { region: HOME, dbInstanceIdentifier: db },
    replica: { region: DR, dbInstanceIdentifier: `${db}-replica`, network: dr },
    peeringConnectionId: pcx,
    hostedZoneId,
    recordName,
    homeValue,
    drValue,
    writers,
    pilotLight,
  };
}
