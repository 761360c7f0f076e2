/**
 * The activities read every page of what they list. Behind the AWS-faithful layer a Describe
 * answers two items at a time (harness/faithful/pagination.ts), so a read that does not
 * follow NextToken misses the rest.
 */
import {
  CreateNetworkAclCommand,
  CreateRouteTableCommand,
  CreateVpcCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { createActivities, createAwsClients } from '../../src/activities';
import { testEnv } from '../support/env';
import { SUITE_PROFILE } from '../../harness/faithful';
import { startFaultProxy, type FaultProxy } from '../../harness/fault-proxy';
import { CREDENTIALS, ec2 } from '../support/harness';

const REGION = 'us-west-1';
let layer: FaultProxy;

beforeAll(async () => {
  // A layer of this file's own, so that pages are small even when the run uses raw moto.
  layer = await startFaultProxy({ target: testEnv().motoUrl, faithful: { ...SUITE_PROFILE, pageSize: 2 } });
});

afterAll(async () => {
  await layer?.close();
});

describe('activities behind small pages', () => {
  test('GIVEN an existing VPC with three route tables and three network ACLs WHEN it is described for a setup THEN all three of each are found', async () => {
    const acts = createActivities({
      aws: createAwsClients({ clientConfig: { endpoint: layer.url, credentials: CREDENTIALS } }),
    });
    const vpcId = (await ec2(REGION).send(new CreateVpcCommand({ CidrBlock: '10.77.0.0/16' }))).Vpc!.VpcId!;
    // Ready for a peering with DNS, as the contract asks of an existing VPC.
    await ec2(REGION).send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
    for (let i = 0; i < 2; i++) {
      await ec2(REGION).send(new CreateRouteTableCommand({ VpcId: vpcId }));
      await ec2(REGION).send(new CreateNetworkAclCommand({ VpcId: vpcId }));
    }
    const byVpc = { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] };
    const tables = (await ec2(REGION).send(new DescribeRouteTablesCommand(byVpc))).RouteTables ?? [];
    const acls = (await ec2(REGION).send(new DescribeNetworkAclsCommand(byVpc))).NetworkAcls ?? [];

    const vpc = await acts.describeExistingVpc({ side: 'accepter', region: REGION, vpcId });

    expect(vpc.routeTableIds).toEqual(tables.map((t) => t.RouteTableId).sort());
    expect(vpc.networkAclIds).toEqual(acls.map((a) => a.NetworkAclId).sort());
    expect(vpc.routeTableIds).toHaveLength(3);
    expect(vpc.networkAclIds).toHaveLength(3);
  });
});
