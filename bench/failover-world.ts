/**
 * The world the failover bench fails over, made straight in moto (not timed, not through the
 * proxy): an active peering with routes between us-east-1 and eu-west-1, a hosted zone whose record
 * points at the primary, a PostgreSQL primary with automated backups and its read replica in
 * eu-west-1, and a pilot light in each region (an Auto Scaling group and an ECS service, both at 0:
 * the DR side asleep, the primary's tier lost with its region and woken again by the failback).
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  type AutoScalingClientConfig,
} from '@aws-sdk/client-auto-scaling';
import {
  AcceptVpcPeeringConnectionCommand,
  CreateLaunchTemplateCommand,
  CreateRouteCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateDBInstanceCommand, CreateDBInstanceReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { FailoverRequest, ScaleAction } from '../src/domain/failover/types';
import { CREDENTIALS } from './in-process-worker';

export const PRIMARY = 'us-east-1';
export const DR = 'eu-west-1';

/** One region's pilot light: a web group and a service, each woken to 2. */
export interface PilotLight {
  group: string;
  cluster: string;
  service: string;
}

export interface FailoverWorld {
  name: string;
  zoneId: string;
  recordName: string;
  values: Record<string, string>;
  peeringConnectionId: string;
  sourceId: string;
  replicaId: string;
  pilotLights: Record<string, PilotLight>;
  /** The DR region's VPC and its subnets in two zones (for ProtectDatabase). */
  drNetwork: { vpcId: string; subnetIds: string[] };
}

export const WAKE_TO = 2;

export function worldClients(endpoint: string) {
  const config = (region: string): AutoScalingClientConfig => ({ region, endpoint, credentials: CREDENTIALS });
  return {
    ec2: (region: string) => new EC2Client(config(region)),
    rds: (region: string) => new RDSClient(config(region)),
    route53: () => new Route53Client(config('us-east-1')),
    autoScaling: (region: string) => new AutoScalingClient(config(region)),
    ecs: (region: string) => new ECSClient(config(region)),
  };
}

type Clients = ReturnType<typeof worldClients>;

async function vpc(c: Clients, region: string, cidr: string, zones = 1) {
  const ec2 = c.ec2(region);
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const subnetIds: string[] = [];
  for (let i = 0; i < zones; i++) {
    const cidrBlock = cidr.replace(/\.0\.0\/16$/, `.${i + 1}.0/24`);
    const zone = `${region}${'abc'[i]}`;
    subnetIds.push(
      (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidrBlock, AvailabilityZone: zone }))).Subnet!
        .SubnetId!,
    );
  }
  return { vpcId, subnetIds };
}

async function peering(c: Clients, a: string, b: string): Promise<string> {
  const pcx = (
    await c.ec2(PRIMARY).send(new CreateVpcPeeringConnectionCommand({ VpcId: a, PeerVpcId: b, PeerRegion: DR }))
  ).VpcPeeringConnection!.VpcPeeringConnectionId!;
  await c.ec2(DR).send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  for (const [region, vpcId, peerCidr] of [
    [PRIMARY, a, '10.1.0.0/16'],
    [DR, b, '10.0.0.0/16'],
  ] as const) {
    const tables = await c
      .ec2(region)
      .send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    await c.ec2(region).send(
      new CreateRouteCommand({
        RouteTableId: tables.RouteTables![0]!.RouteTableId!,
        DestinationCidrBlock: peerCidr,
        VpcPeeringConnectionId: pcx,
      }),
    );
  }
  return pcx;
}

async function pilotLight(c: Clients, region: string, name: string, subnet: string): Promise<PilotLight> {
  const group = `${name}-web-${region}`;
  await c.ec2(region).send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `${group}-lt`,
      LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' },
    }),
  );
  await c.autoScaling(region).send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: group,
      LaunchTemplate: { LaunchTemplateName: `${group}-lt`, Version: '$Latest' },
      MinSize: 0,
      MaxSize: 4,
      DesiredCapacity: 0,
      VPCZoneIdentifier: subnet,
    }),
  );
  const cluster = `${name}-${region}`;
  const ecs = c.ecs(region);
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: `${cluster}-web`,
      containerDefinitions: [{ name: 'web', image: 'public.ecr.aws/nginx/nginx:stable', memory: 256 }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({ cluster, serviceName: 'web', taskDefinition: `${cluster}-web`, desiredCount: 0 }),
  );
  return { group, cluster, service: 'web' };
}

export async function makeFailoverWorld(motoUrl: string, name: string): Promise<FailoverWorld> {
  const c = worldClients(motoUrl);
  const [primaryNet, drNet] = await Promise.all([vpc(c, PRIMARY, '10.0.0.0/16'), vpc(c, DR, '10.1.0.0/16', 2)]);
  const zoneName = `${name}.example.`;
  const recordName = `app.${zoneName}`;
  const values = { [PRIMARY]: `primary-alb.${PRIMARY}.elb.amazonaws.com`, [DR]: `dr-alb.${DR}.elb.amazonaws.com` };
  const [peeringConnectionId, zone, source] = await Promise.all([
    peering(c, primaryNet.vpcId, drNet.vpcId),
    c.route53().send(new CreateHostedZoneCommand({ Name: zoneName, CallerReference: `${name}-${Date.now()}` })),
    c.rds(PRIMARY).send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${name}-db`,
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        MasterUsername: 'abc',
        MasterUserPassword: 'not-a-secret-1',
        AllocatedStorage: 20,
        BackupRetentionPeriod: 1,
      }),
    ),
  ]);
  const zoneId = zone.HostedZone!.Id!.replace('/hostedzone/', '');
  const replicaId = `${name}-db-replica`;
  await Promise.all([
    c.rds(DR).send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: replicaId,
        SourceDBInstanceIdentifier: source.DBInstance!.DBInstanceArn!,
        DBInstanceClass: 'db.t3.micro',
      }),
    ),
    c.route53().send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: recordName,
                Type: 'CNAME',
                TTL: 60,
                ResourceRecords: [{ Value: values[PRIMARY] }],
              },
            },
          ],
        },
      }),
    ),
  ]);
  const [primaryLight, drLight] = await Promise.all([
    pilotLight(c, PRIMARY, name, primaryNet.subnetIds[0]!),
    pilotLight(c, DR, name, drNet.subnetIds[0]!),
  ]);
  return {
    name,
    zoneId,
    recordName,
    values,
    peeringConnectionId,
    sourceId: `${name}-db`,
    replicaId,
    pilotLights: { [PRIMARY]: primaryLight, [DR]: drLight },
    drNetwork: drNet,
  };
}

/** The pilot light of `region` woken to WAKE_TO, before the switch. */
export function wake(world: FailoverWorld, region: string): ScaleAction[] {
  const light = world.pilotLights[region]!;
  return [
    { kind: 'autoscaling', region, name: light.group, desiredCapacity: WAKE_TO },
    { kind: 'ecs', region, cluster: light.cluster, service: light.service, desiredCount: WAKE_TO },
  ];
}

/**
 * Today's FailoverToRegion request, built only from fields every version of the contract keeps:
 * the unplanned failover promotes the replica and wakes the DR pilot light; the failback moves the
 * record back and wakes the primary's (no promotion: the contract's failback for a request without
 * `promoteReplica`).
 */
export function failoverRequest(world: FailoverWorld, direction: 'failover' | 'failback'): FailoverRequest {
  const [from, to] = direction === 'failover' ? [PRIMARY, DR] : [DR, PRIMARY];
  return {
    hostedZoneId: world.zoneId,
    recordName: world.recordName,
    recordType: 'CNAME',
    ttl: 60,
    from: { region: from, value: world.values[from]! },
    to: { region: to, value: world.values[to]! },
    peeringConnectionId: world.peeringConnectionId,
    ...(direction === 'failover' ? { promoteReplica: { region: DR, dbInstanceIdentifier: world.replicaId } } : {}),
    approval: 'auto',
    scale: wake(world, to),
  };
}
