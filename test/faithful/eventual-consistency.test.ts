/** The AWS-faithful layer: eventual consistency (harness/faithful/eventual-consistency.ts). */
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { SUITE_PROFILE } from '../../harness/faithful';
import { ACCEPTER, createTaggedVpc, failureOf, REQUESTER, sleep, useProxiedMoto } from '../support/proxied-moto';

// One second of lag, exactly, so that "within" and "after" are certain; one module at a time.
const env = useProxiedMoto({
  faithful: {
    ...SUITE_PROFILE,
    lagSeconds: [1, 1],
    writeLagSeconds: [1, 1],
    skip: ['pagination', 'peering-lifecycle'],
  },
});
const { viaProxy, direct } = env;
const byName = (name: string) => [{ Name: 'tag:Name', Values: [name] }];

describe('AWS-faithful layer: eventual consistency', () => {
  test('GIVEN a VPC just created through the layer WHEN it is looked up by tag within the lag THEN it is missing, by id it is there, and after the lag the tag finds it', async () => {
    const vpcId = (await createTaggedVpc(viaProxy(), 'fresh')).Vpc!.VpcId!;

    const byTag = await viaProxy().send(new DescribeVpcsCommand({ Filters: byName('fresh') }));
    const byId = await viaProxy().send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
    const listed = await viaProxy().send(new DescribeVpcsCommand({}));

    expect(byTag.Vpcs).toEqual([]);
    expect(listed.Vpcs?.map((v) => v.VpcId)).not.toContain(vpcId);
    expect(byId.Vpcs?.map((v) => v.VpcId)).toEqual([vpcId]);
    // moto has it all along.
    expect((await direct().send(new DescribeVpcsCommand({ Filters: byName('fresh') }))).Vpcs).toHaveLength(1);
    await sleep(1100);
    const later = await viaProxy().send(new DescribeVpcsCommand({ Filters: byName('fresh') }));
    expect(later.Vpcs?.map((v) => v.VpcId)).toEqual([vpcId]);
    expect(env.proxy.stats().injected['eventual-consistency']).toBeGreaterThanOrEqual(2);
  });

  test('GIVEN a subnet and a security group just created WHEN the VPC is searched for them within the lag THEN neither is listed, and after the lag both are', async () => {
    const vpcId = (await createTaggedVpc(direct(), 'old-vpc')).Vpc!.VpcId!;
    const subnetId = (await viaProxy().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' })))
      .Subnet!.SubnetId!;
    const groupId = (
      await viaProxy().send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'g', Description: 'g' }))
    ).GroupId!;
    const inVpc = [{ Name: 'vpc-id', Values: [vpcId] }];

    const subnets = await viaProxy().send(new DescribeSubnetsCommand({ Filters: inVpc }));
    const groups = await viaProxy().send(new DescribeSecurityGroupsCommand({ Filters: inVpc }));

    expect(subnets.Subnets?.map((s) => s.SubnetId)).toEqual([]);
    expect(groups.SecurityGroups?.map((g) => g.GroupName)).toEqual(['default']);
    await sleep(1100);
    expect(
      (await viaProxy().send(new DescribeSubnetsCommand({ Filters: inVpc }))).Subnets?.map((s) => s.SubnetId),
    ).toEqual([subnetId]);
    const after = await viaProxy().send(new DescribeSecurityGroupsCommand({ Filters: inVpc }));
    expect(after.SecurityGroups?.map((g) => g.GroupId)).toContain(groupId);
  });

  test('GIVEN a peering just requested WHEN the accepter region looks it up or accepts it within the lag THEN NotFound, the requester region misses it in filtered lists, and after the lag it can be accepted', async () => {
    const pcx = await env.requestPeering();

    const describeErr = await failureOf(
      viaProxy(ACCEPTER).send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] })),
    );
    const acceptErr = await failureOf(
      viaProxy(ACCEPTER).send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx })),
    );
    const accepterList = await viaProxy(ACCEPTER).send(new DescribeVpcPeeringConnectionsCommand({}));
    const filtered = await viaProxy(REQUESTER).send(
      new DescribeVpcPeeringConnectionsCommand({ Filters: [{ Name: 'vpc-peering-connection-id', Values: [pcx] }] }),
    );

    expect(describeErr.name).toBe('InvalidVpcPeeringConnectionID.NotFound');
    expect(acceptErr.name).toBe('InvalidVpcPeeringConnectionID.NotFound');
    expect(accepterList.VpcPeeringConnections?.map((p) => p.VpcPeeringConnectionId)).not.toContain(pcx);
    expect(filtered.VpcPeeringConnections).toEqual([]);
    expect((await env.describePeering(REQUESTER, pcx))?.Status?.Code).toBe('pending-acceptance');
    await sleep(1100);
    expect((await env.describePeering(ACCEPTER, pcx))?.Status?.Code).toBe('pending-acceptance');
    expect((await env.accept(pcx)).VpcPeeringConnection?.Status?.Code).toBe('active');
  });

  test('GIVEN a security group just created WHEN a rule is authorized on it within about a second THEN InvalidGroup.NotFound and nothing is added, and after that the same call succeeds', async () => {
    const vpcId = (await createTaggedVpc(direct(), 'sg-vpc')).Vpc!.VpcId!;
    const groupId = (
      await viaProxy().send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'new', Description: 'new' }))
    ).GroupId!;
    const authorize = () =>
      viaProxy().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.1.0.0/16' }] }],
        }),
      );
    const ingress = async () =>
      (await direct().send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups?.[0]
        ?.IpPermissions ?? [];

    const err = await failureOf(authorize());

    expect(err.name).toBe('InvalidGroup.NotFound');
    expect(err.message).toBe(`The security group '${groupId}' does not exist`);
    expect(await ingress()).toEqual([]);
    await sleep(1100);
    await authorize();
    expect((await ingress()).map((p) => p.FromPort)).toEqual([443]);
  });

  test('GIVEN a VPC just created WHEN a subnet is created in it at once THEN InvalidVpcID.NotFound, and after the lag the subnet is created', async () => {
    const vpcId = (await createTaggedVpc(viaProxy(), 'vpc-now')).Vpc!.VpcId!;
    const create = () => viaProxy().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.2.0/24' }));

    const err = await failureOf(create());

    expect(err.name).toBe('InvalidVpcID.NotFound');
    expect(
      (await direct().send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets,
    ).toEqual([]);
    await sleep(1100);
    expect((await create()).Subnet?.VpcId).toBe(vpcId);
  });
});
