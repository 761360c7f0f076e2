import { DescribeSubnetsCommand, DescribeVpcsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { NetworkFacts } from '../../domain/database/types';
import type { AwsClients } from '../aws/clients';
import { isNotFound } from '../aws/errors';

async function describeVpc(ec2: EC2Client, vpcId: string) {
  try {
    return (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.find((v) => v.VpcId === vpcId);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Each subnet on its own: a batch with one unknown id answers NotFound for all of them. */
async function describeSubnet(ec2: EC2Client, subnetId: string) {
  try {
    return (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets?.[0];
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function createNetworkReads(clients: AwsClients) {
  /** The VPC's IPv4 CIDRs and each subnet's VPC and zone, for the checks before a replica goes there. Read-only. */
  async function readReplicaNetwork(input: {
    region: string;
    vpcId: string;
    subnetIds: string[];
  }): Promise<NetworkFacts> {
    const ec2 = clients.ec2(input.region);
    const vpc = await describeVpc(ec2, input.vpcId);
    const facts: NetworkFacts = {
      region: input.region,
      vpcId: input.vpcId,
      found: vpc !== undefined,
      cidrBlocks: [],
      subnets: [],
      missingSubnets: [],
    };
    if (!vpc) return facts;
    const associated = (vpc.CidrBlockAssociationSet ?? [])
      .filter((a) => a.CidrBlockState?.State === 'associated' && a.CidrBlock)
      .map((a) => a.CidrBlock!);
    facts.cidrBlocks = [...new Set([vpc.CidrBlock!, ...associated].filter(Boolean))];
    for (const id of input.subnetIds) {
      const subnet = await describeSubnet(ec2, id);
      if (!subnet) facts.missingSubnets.push(id);
      else
        facts.subnets.push({
          subnetId: id,
          vpcId: subnet.VpcId ?? '',
          availabilityZone: subnet.AvailabilityZone ?? '',
        });
    }
    return facts;
  }

  return { readReplicaNetwork };
}
