/**
 * The AWS-faithful layer: security-group batches applied whole (sg-batches.ts) and the VPC quotas
 * (quotas.ts), each refused with AWS's own code while moto would have gone on.
 */
import {
  AcceptVpcPeeringConnectionCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { SUITE_PROFILE } from '../../harness/faithful';
import { createTaggedVpc, failureOf, REQUESTER, useProxiedMoto } from '../support/proxied-moto';

const env = useProxiedMoto({ faithful: { ...SUITE_PROFILE, skip: ['pagination', 'eventual-consistency'] } });
const { viaProxy, direct } = env;

const tcp = (port: number, cidr: string): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: [{ CidrIp: cidr }],
});

async function newGroup(): Promise<string> {
  const vpcId = (await createTaggedVpc(direct(), 'sg')).Vpc!.VpcId!;
  return (await direct().send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'g', Description: 'g' })))
    .GroupId!;
}

async function rules(groupId: string, egress = false): Promise<string[]> {
  const g = (await direct().send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups?.[0];
  return (egress ? g?.IpPermissionsEgress : g?.IpPermissions)!.flatMap((p) =>
    (p.IpRanges ?? []).map((r) => `${p.IpProtocol} ${p.FromPort ?? ''} ${r.CidrIp}`),
  );
}

describe('AWS-faithful layer: security-group batches', () => {
  test('GIVEN a group allowing 443 WHEN a batch of 443 and 5432 is authorized THEN InvalidPermission.Duplicate and 5432 is not added either', async () => {
    const groupId = await newGroup();
    await direct().send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [tcp(443, '10.1.0.0/16')] }),
    );

    const err = await failureOf(
      viaProxy().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [tcp(443, '10.1.0.0/16'), tcp(5432, '10.1.0.0/16')],
        }),
      ),
    );

    expect(err.name).toBe('InvalidPermission.Duplicate');
    expect(err.message).toBe(
      'the specified rule "peer: 10.1.0.0/16, TCP, from port: 443, to port: 443, ALLOW" already exists',
    );
    expect(await rules(groupId)).toEqual(['tcp 443 10.1.0.0/16']);
  });

  test('GIVEN an empty group WHEN one batch names the same rule twice THEN InvalidParameterValue and nothing is added', async () => {
    const groupId = await newGroup();

    const err = await failureOf(
      viaProxy().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [tcp(443, '10.1.0.0/16'), tcp(5432, '10.1.0.0/16'), tcp(443, '10.1.0.0/16')],
        }),
      ),
    );

    expect([err.name, err.message]).toEqual([
      'InvalidParameterValue',
      'The same permission must not appear multiple times',
    ]);
    expect(await rules(groupId)).toEqual([]);
  });

  test('GIVEN a new group with its default egress rule WHEN all-traffic egress to 0.0.0.0/0 is authorized with another rule THEN InvalidPermission.Duplicate, ALL, and nothing is added', async () => {
    const groupId = await newGroup();
    const all: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

    const err = await failureOf(
      viaProxy().send(
        new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [tcp(443, '10.2.0.0/16'), all] }),
      ),
    );

    expect(err.message).toBe('the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists');
    expect(await rules(groupId, true)).toEqual(['-1  0.0.0.0/0']);
  });
});

describe('AWS-faithful layer: quotas', () => {
  test('GIVEN a group with 59 inbound rules WHEN a batch of two is authorized THEN RulesPerSecurityGroupLimitExceeded and none is added; one more fits', async () => {
    const groupId = await newGroup();
    const ports = Array.from({ length: 59 }, (_, i) => tcp(1000 + i, '10.3.0.0/16'));
    await direct().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: ports }));

    const err = await failureOf(
      viaProxy().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [tcp(2000, '10.3.0.0/16'), tcp(2001, '10.3.0.0/16')],
        }),
      ),
    );

    expect(err.name).toBe('RulesPerSecurityGroupLimitExceeded');
    expect(await rules(groupId)).toHaveLength(59);
    await viaProxy().send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [tcp(2000, '10.3.0.0/16')] }),
    );
    expect(await rules(groupId)).toHaveLength(60);
  });

  test('GIVEN a route table with 50 routes besides local WHEN a 51st is created THEN RouteLimitExceeded and the table keeps 50', async () => {
    const vpcId = (await direct().send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
    const igw = (await direct().send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await direct().send(new AttachInternetGatewayCommand({ VpcId: vpcId, InternetGatewayId: igw }));
    const table = (
      await direct().send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))
    ).RouteTables![0]!.RouteTableId!;
    const route = (i: number) =>
      new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: `172.16.${i}.0/24`, GatewayId: igw });
    for (let i = 0; i < 50; i++) await direct().send(route(i));

    const err = await failureOf(viaProxy().send(route(50)));

    expect(err.name).toBe('RouteLimitExceeded');
    const { RouteTables = [] } = await direct().send(new DescribeRouteTablesCommand({ RouteTableIds: [table] }));
    expect(RouteTables[0]?.Routes?.filter((r) => r.GatewayId === igw)).toHaveLength(50);
  });

  test('GIVEN a network ACL with 20 inbound entries WHEN a 21st inbound entry is added THEN NetworkAclEntryLimitExceeded, while an outbound one still fits', async () => {
    const vpcId = (await direct().send(new CreateVpcCommand({ CidrBlock: '10.8.0.0/16' }))).Vpc!.VpcId!;
    const aclId = (
      await direct().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))
    ).NetworkAcls![0]!.NetworkAclId!;
    const entry = (rule: number, egress: boolean) =>
      new CreateNetworkAclEntryCommand({
        NetworkAclId: aclId,
        RuleNumber: rule,
        Egress: egress,
        Protocol: '6',
        RuleAction: 'allow',
        CidrBlock: '10.4.0.0/16',
        PortRange: { From: rule, To: rule },
      });
    // The new VPC's default ACL already holds inbound rule 100; 19 more make 20.
    for (let rule = 200; rule < 219; rule++) await direct().send(entry(rule, false));

    const err = await failureOf(viaProxy().send(entry(300, false)));

    expect(err.name).toBe('NetworkAclEntryLimitExceeded');
    await viaProxy().send(entry(300, true));
    const { NetworkAcls = [] } = await direct().send(new DescribeNetworkAclsCommand({ NetworkAclIds: [aclId] }));
    const count = (egress: boolean) =>
      NetworkAcls[0]?.Entries?.filter((e) => e.Egress === egress && e.RuleNumber !== 32767).length;
    expect({ inbound: count(false), outbound: count(true) }).toEqual({ inbound: 20, outbound: 2 });
  });

  test('GIVEN a VPC with 50 active peerings WHEN a 51st peering with it is accepted THEN ActiveVpcPeeringConnectionPerVpcLimitExceeded and it stays pending', async () => {
    const hub = (await direct().send(new CreateVpcCommand({ CidrBlock: '10.100.0.0/16' }))).Vpc!.VpcId!;
    const spoke = async (i: number) => {
      const peer = (await direct().send(new CreateVpcCommand({ CidrBlock: `10.${101 + i}.0.0/16` }))).Vpc!.VpcId!;
      return (await direct().send(new CreateVpcPeeringConnectionCommand({ VpcId: hub, PeerVpcId: peer })))
        .VpcPeeringConnection!.VpcPeeringConnectionId!;
    };
    for (let i = 0; i < 50; i++) {
      await direct().send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: await spoke(i) }));
    }
    const last = await spoke(50);

    const err = await failureOf(
      viaProxy().send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: last })),
    );

    expect(err.name).toBe('ActiveVpcPeeringConnectionPerVpcLimitExceeded');
    expect((await env.describePeering(REQUESTER, last))?.Status?.Code).toBe('pending-acceptance');
  });

  test('GIVEN a VPC with 25 requests pending WHEN a 26th is made THEN OutstandingVpcPeeringConnectionLimitExceeded', async () => {
    const hub = (await direct().send(new CreateVpcCommand({ CidrBlock: '10.200.0.0/16' }))).Vpc!.VpcId!;
    const peer = async (i: number) =>
      (await direct().send(new CreateVpcCommand({ CidrBlock: `172.${16 + i}.0.0/16` }))).Vpc!.VpcId!;
    for (let i = 0; i < 25; i++) {
      await direct().send(new CreateVpcPeeringConnectionCommand({ VpcId: hub, PeerVpcId: await peer(i) }));
    }
    const peerVpcId = await peer(25);

    const err = await failureOf(
      viaProxy().send(new CreateVpcPeeringConnectionCommand({ VpcId: hub, PeerVpcId: peerVpcId })),
    );

    expect(err.name).toBe('OutstandingVpcPeeringConnectionLimitExceeded');
  });
});
