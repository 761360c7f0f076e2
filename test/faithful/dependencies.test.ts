/** The AWS-faithful layer: deletes refused while dependents remain (harness/faithful/dependencies.ts). */
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { SUITE_PROFILE } from '../../harness/faithful';
import { ACCEPTER, createTaggedVpc, failureOf, REQUESTER, sleep, useProxiedMoto } from '../support/proxied-moto';

const env = useProxiedMoto({ faithful: { ...SUITE_PROFILE, lagSeconds: [0.5, 0.5], skip: ['pagination'] } });
const { viaProxy, direct } = env;

async function vpcExists(vpcId: string): Promise<boolean> {
  const { Vpcs = [] } = await direct().send(new DescribeVpcsCommand({}));
  return Vpcs.some((v) => v.VpcId === vpcId);
}

/** A dependent made straight in moto, and the call that removes it. */
const DEPENDENTS: Array<[string, (ec2: EC2Client, vpcId: string) => Promise<() => Promise<unknown>>]> = [
  [
    'a subnet',
    async (ec2, vpcId) => {
      const id = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' }))).Subnet!
        .SubnetId!;
      return () => ec2.send(new DeleteSubnetCommand({ SubnetId: id }));
    },
  ],
  [
    'a security group other than default',
    async (ec2, vpcId) => {
      const id = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'x', Description: 'x' })))
        .GroupId!;
      return () => ec2.send(new DeleteSecurityGroupCommand({ GroupId: id }));
    },
  ],
  [
    'a route table other than the main one',
    async (ec2, vpcId) => {
      const id = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
      return () => ec2.send(new DeleteRouteTableCommand({ RouteTableId: id }));
    },
  ],
];

describe('AWS-faithful layer: dependencies', () => {
  test.each(DEPENDENTS)(
    'GIVEN a VPC with %s WHEN it is deleted THEN DependencyViolation and the VPC stays, and once that is gone the delete succeeds',
    async (_what, make) => {
      const vpcId = (await createTaggedVpc(direct(), 'with-dependent')).Vpc!.VpcId!;
      const remove = await make(direct(), vpcId);

      const err = await failureOf(viaProxy().send(new DeleteVpcCommand({ VpcId: vpcId })));

      expect(err.name).toBe('DependencyViolation');
      expect(err.message).toBe(`The vpc '${vpcId}' has dependencies and cannot be deleted.`);
      expect(await vpcExists(vpcId)).toBe(true);
      await remove();
      await viaProxy().send(new DeleteVpcCommand({ VpcId: vpcId }));
      expect(await vpcExists(vpcId)).toBe(false);
    },
  );

  test('GIVEN a VPC with an active peering WHEN it is deleted THEN DependencyViolation, also while the peering is deleting, and once it is deleted the VPC goes', async () => {
    const vpcId = (await createTaggedVpc(direct(REQUESTER), 'peered', '10.30.0.0/16')).Vpc!.VpcId!;
    const peer = (await createTaggedVpc(direct(ACCEPTER), 'peer', '10.40.0.0/16')).Vpc!.VpcId!;
    const pcx = (
      await direct().send(
        new CreateVpcPeeringConnectionCommand({ VpcId: vpcId, PeerVpcId: peer, PeerRegion: ACCEPTER }),
      )
    ).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await direct(ACCEPTER).send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    const deleteVpc = () => viaProxy().send(new DeleteVpcCommand({ VpcId: vpcId }));

    expect((await failureOf(deleteVpc())).name).toBe('DependencyViolation');
    await viaProxy().send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    expect((await env.describePeering(REQUESTER, pcx))?.Status?.Code).toBe('deleting');
    expect((await failureOf(deleteVpc())).name).toBe('DependencyViolation');
    await sleep(600);

    expect((await env.describePeering(REQUESTER, pcx))?.Status?.Code).toBe('deleted');
    await deleteVpc();
    expect(await vpcExists(vpcId)).toBe(false);
  });

  test('GIVEN a security group that another group references WHEN it is deleted THEN DependencyViolation, and once the reference is revoked it goes', async () => {
    const vpcId = (await createTaggedVpc(direct(), 'groups')).Vpc!.VpcId!;
    const group = (name: string) =>
      direct().send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: name }));
    const target = (await group('referenced')).GroupId!;
    const other = (await group('referencing')).GroupId!;
    const reference = { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: target }] };
    await direct().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: other, IpPermissions: [reference] }));
    const remove = () => viaProxy().send(new DeleteSecurityGroupCommand({ GroupId: target }));

    const err = await failureOf(remove());

    expect(err.name).toBe('DependencyViolation');
    expect(err.message).toBe(`resource ${target} has a dependent object`);
    await direct().send(new RevokeSecurityGroupIngressCommand({ GroupId: other, IpPermissions: [reference] }));
    await remove();
    const { SecurityGroups = [] } = await direct().send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
    );
    expect(SecurityGroups.map((g) => g.GroupId)).not.toContain(target);
  });
});
