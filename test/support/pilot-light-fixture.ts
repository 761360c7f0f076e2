/**
 * The pilot light in moto: Auto Scaling groups and ECS services a failover wakes up or puts to
 * sleep, made directly in moto, and read back directly (never through the fault proxy) to check
 * what the failover really did.
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { randomUUID } from 'node:crypto';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface GroupSize {
  min: number;
  max: number;
  desired: number;
}

export class PilotLightFixture {
  constructor(private readonly motoUrl: string) {}

  private config(region: string) {
    return { region, endpoint: this.motoUrl, credentials: CREDENTIALS };
  }

  /** An Auto Scaling group with a launch template in a subnet of its own VPC; answers its name. */
  async group(region: string, size: GroupSize, name = `abc-web-${randomUUID().slice(0, 8)}`): Promise<string> {
    const ec2 = new EC2Client(this.config(region));
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }))).Vpc!.VpcId!;
    const subnet = (
      await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.50.1.0/24', AvailabilityZone: `${region}a` }))
    ).Subnet!.SubnetId!;
    await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `${name}-lt`,
        LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' },
      }),
    );
    await new AutoScalingClient(this.config(region)).send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        LaunchTemplate: { LaunchTemplateName: `${name}-lt`, Version: '$Latest' },
        MinSize: size.min,
        MaxSize: size.max,
        DesiredCapacity: size.desired,
        VPCZoneIdentifier: subnet,
      }),
    );
    return name;
  }

  /** As moto has it: the bounds, the desired capacity and the InService instances. */
  async groupNow(region: string, name: string): Promise<GroupSize & { inService: number }> {
    const out = await new AutoScalingClient(this.config(region)).send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
    );
    const g = out.AutoScalingGroups![0]!;
    return {
      min: g.MinSize!,
      max: g.MaxSize!,
      desired: g.DesiredCapacity!,
      inService: (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
    };
  }

  /** An ECS cluster with one service of `desiredCount` tasks; answers both names. */
  async service(region: string, desiredCount: number): Promise<{ cluster: string; service: string }> {
    const ecs = new ECSClient(this.config(region));
    const cluster = `abc-dr-${randomUUID().slice(0, 8)}`;
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `${cluster}-web`,
        containerDefinitions: [{ name: 'web', image: 'public.ecr.aws/nginx/nginx:stable', memory: 256 }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({ cluster, serviceName: 'web', taskDefinition: `${cluster}-web`, desiredCount }),
    );
    return { cluster, service: 'web' };
  }

  async serviceNow(region: string, cluster: string, service: string): Promise<{ desired: number; running: number }> {
    const out = await new ECSClient(this.config(region)).send(
      new DescribeServicesCommand({ cluster, services: [service] }),
    );
    const s = out.services![0]!;
    return { desired: s.desiredCount!, running: s.runningCount! };
  }
}
