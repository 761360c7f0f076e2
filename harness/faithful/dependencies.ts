/**
 * Deletes that AWS refuses while something still depends on the resource (moto refuses DeleteVpc
 * only for subnets and extra route tables, and never guards a security group):
 * - DeleteVpc: `DependencyViolation` while subnets, security groups other than `default`, route
 *   tables other than the main one, or a live peering (initiating, pending, provisioning, active
 *   or still deleting) remain;
 * - DeleteSecurityGroup: `DependencyViolation` while another group's rule references the group.
 * Sources: DeleteVpc API reference ("You must detach or delete all gateways and resources that are
 * associated with the VPC before you can delete it… delete all security groups associated with the
 * VPC (except the default one), delete all route tables associated with the VPC (except the
 * default one)"); VPC peering guide, "Delete a VPC peering connection" (only the console deletes a
 * VPC's peering along with it); EC2 error codes, DependencyViolation ("this error occurs if you
 * try to delete a security group in a VPC that is in use by another security group").
 */
import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';

import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { ec2Error } from './ec2-error';
import { Refusal } from './refusal';

const LIVE = new Set(['initiating-request', 'pending-acceptance', 'provisioning', 'active', 'deleting']);

export class Dependencies extends Refusal {
  async refuse(call: AwsCall): Promise<Answer | undefined> {
    if (call.service !== 'ec2') return undefined;
    if (call.action === 'DeleteVpc') {
      const vpcId = call.params.get('VpcId') ?? '';
      const blocker = await this.vpcDependent(await this.moto.asCaller(call.region, call.accessKeyId), call, vpcId);
      if (!blocker) return undefined;
      this.ctx.inject('dependency-violation');
      return ec2Error('DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);
    }
    if (call.action === 'DeleteSecurityGroup') {
      const groupId = call.params.get('GroupId');
      if (!groupId) return undefined;
      const ec2 = await this.moto.asCaller(call.region, call.accessKeyId);
      const { SecurityGroups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({}));
      const referencing = SecurityGroups.find(
        (g) =>
          g.GroupId !== groupId &&
          [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])].some((p) =>
            (p.UserIdGroupPairs ?? []).some((pair) => pair.GroupId === groupId),
          ),
      );
      if (!referencing) return undefined;
      this.ctx.inject('dependency-violation');
      return ec2Error('DependencyViolation', `resource ${groupId} has a dependent object`);
    }
    return undefined;
  }

  /** What still keeps the VPC, if anything (for the message in the layer's own tests). */
  private async vpcDependent(ec2: EC2Client, call: AwsCall, vpcId: string): Promise<string | undefined> {
    const byVpc = [{ Name: 'vpc-id', Values: [vpcId] }];
    const [subnets, groups, tables, peerings] = await Promise.all([
      ec2.send(new DescribeSubnetsCommand({ Filters: byVpc })),
      ec2.send(new DescribeSecurityGroupsCommand({ Filters: byVpc })),
      ec2.send(new DescribeRouteTablesCommand({ Filters: byVpc })),
      ec2.send(new DescribeVpcPeeringConnectionsCommand({})),
    ]);
    const subnet = subnets.Subnets?.find((s) => s.VpcId === vpcId);
    if (subnet) return subnet.SubnetId;
    const group = groups.SecurityGroups?.find((g) => g.VpcId === vpcId && g.GroupName !== 'default');
    if (group) return group.GroupId;
    const table = tables.RouteTables?.find((t) => t.VpcId === vpcId && !t.Associations?.some((a) => a.Main));
    if (table) return table.RouteTableId;
    const peering = peerings.VpcPeeringConnections?.find(
      (p) =>
        (p.RequesterVpcInfo?.VpcId === vpcId || p.AccepterVpcInfo?.VpcId === vpcId) &&
        LIVE.has(this.ctx.presentedStatus(p.VpcPeeringConnectionId ?? '', call.region, p.Status?.Code ?? '')),
    );
    return peering?.VpcPeeringConnectionId;
  }
}
