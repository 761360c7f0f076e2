/**
 * The VPC quotas moto does not enforce (it keeps only the 60 rules per security group, and that
 * one rule by rule: sg-batches.ts refuses such a batch whole):
 * - 50 routes per route table, IPv4 and IPv6 counted apart: `RouteLimitExceeded`;
 * - 20 entries per network ACL and direction, the default deny not counted:
 *   `NetworkAclEntryLimitExceeded`;
 * - 50 active peerings per VPC, checked for both VPCs when a peering is accepted:
 *   `ActiveVpcPeeringConnectionPerVpcLimitExceeded`;
 * - 25 outstanding (pending-acceptance) requests from a VPC:
 *   `OutstandingVpcPeeringConnectionLimitExceeded`.
 * Sources: Amazon VPC user guide, "Amazon VPC quotas"
 * (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html); EC2 error codes
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html), whose
 * descriptions are the messages below.
 */
import {
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeVpcPeeringConnectionsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { ec2Error } from './ec2-error';
import { Refusal } from './refusal';

const DEFAULT_DENY = new Set([32767, 32768]);

export class VpcQuotas extends Refusal {
  async refuse(call: AwsCall): Promise<Answer | undefined> {
    if (call.service !== 'ec2') return undefined;
    const check: Record<string, (ec2: EC2Client) => Promise<Answer | undefined>> = {
      CreateRoute: (ec2) => this.routes(ec2, call),
      CreateNetworkAclEntry: (ec2) => this.naclEntries(ec2, call),
      AcceptVpcPeeringConnection: (ec2) => this.activePeerings(ec2, call),
      CreateVpcPeeringConnection: (ec2) => this.outstanding(ec2, call),
    };
    const run = check[call.action];
    if (!run) return undefined;
    const refusal = await run(await this.moto.asCaller(call.region, call.accessKeyId)).catch(() => undefined);
    if (refusal) this.ctx.inject('quota');
    return refusal;
  }

  private async routes(ec2: EC2Client, call: AwsCall): Promise<Answer | undefined> {
    const id = call.params.get('RouteTableId') ?? '';
    const ipv6 = call.params.has('DestinationIpv6CidrBlock');
    const destination = call.params.get(ipv6 ? 'DestinationIpv6CidrBlock' : 'DestinationCidrBlock');
    const { RouteTables = [] } = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }));
    const routes = (RouteTables[0]?.Routes ?? []).filter(
      (r) => r.GatewayId !== 'local' && (ipv6 ? r.DestinationIpv6CidrBlock : r.DestinationCidrBlock) !== undefined,
    );
    // An existing destination gets moto's RouteAlreadyExists, as on AWS.
    if (routes.some((r) => (ipv6 ? r.DestinationIpv6CidrBlock : r.DestinationCidrBlock) === destination)) return;
    if (routes.length < this.quotas.routesPerTable) return undefined;
    return ec2Error(
      'RouteLimitExceeded',
      "You've reached the limit on the number of routes that you can add to a route table.",
    );
  }

  private async naclEntries(ec2: EC2Client, call: AwsCall): Promise<Answer | undefined> {
    const id = call.params.get('NetworkAclId') ?? '';
    const egress = call.params.get('Egress') === 'true';
    const rule = Number(call.params.get('RuleNumber'));
    const { NetworkAcls = [] } = await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] }));
    const entries = (NetworkAcls[0]?.Entries ?? []).filter(
      (e) => Boolean(e.Egress) === egress && !DEFAULT_DENY.has(e.RuleNumber ?? 0),
    );
    if (entries.some((e) => e.RuleNumber === rule)) return undefined; // NetworkAclEntryAlreadyExists
    if (entries.length < this.quotas.naclEntriesPerDirection) return undefined;
    return ec2Error(
      'NetworkAclEntryLimitExceeded',
      "You've reached the limit on the number of rules that you can add to the network ACL.",
    );
  }

  private async activePeerings(ec2: EC2Client, call: AwsCall): Promise<Answer | undefined> {
    const id = call.params.get('VpcPeeringConnectionId') ?? '';
    const { VpcPeeringConnections: mine = [] } = await ec2.send(
      new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }),
    );
    const pcx = mine.find((p) => p.VpcPeeringConnectionId === id);
    if (!pcx) return undefined;
    for (const info of [pcx.RequesterVpcInfo, pcx.AccepterVpcInfo]) {
      if (!info?.VpcId || !info.Region) continue;
      const { VpcPeeringConnections = [] } = await this.moto
        .ec2(info.Region, info.OwnerId)
        .send(new DescribeVpcPeeringConnectionsCommand({}));
      const active = VpcPeeringConnections.filter(
        (p) =>
          (p.RequesterVpcInfo?.VpcId === info.VpcId || p.AccepterVpcInfo?.VpcId === info.VpcId) &&
          this.ctx.presentedStatus(p.VpcPeeringConnectionId ?? '', info.Region, p.Status?.Code ?? '') === 'active',
      );
      if (active.length >= this.quotas.activePeeringsPerVpc) {
        return ec2Error(
          'ActiveVpcPeeringConnectionPerVpcLimitExceeded',
          `You've reached the limit on the number of active VPC peering connections you can have for ${info.VpcId}.`,
        );
      }
    }
    return undefined;
  }

  private async outstanding(ec2: EC2Client, call: AwsCall): Promise<Answer | undefined> {
    const vpc = call.params.get('VpcId');
    const { VpcPeeringConnections = [] } = await ec2.send(new DescribeVpcPeeringConnectionsCommand({}));
    const pending = VpcPeeringConnections.filter((p) => {
      if (p.RequesterVpcInfo?.VpcId !== vpc) return false;
      const shown = this.ctx.presentedStatus(p.VpcPeeringConnectionId ?? '', call.region, p.Status?.Code ?? '');
      return shown === 'pending-acceptance' || shown === 'initiating-request';
    });
    if (pending.length < this.quotas.outstandingRequestsPerVpc) return undefined;
    return ec2Error(
      'OutstandingVpcPeeringConnectionLimitExceeded',
      "You've reached the limit on the number of VPC peering connection requests that you can create for the specified VPC.",
    );
  }
}
