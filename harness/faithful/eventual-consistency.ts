/**
 * EC2's eventual consistency, which moto does not have (it is strongly consistent):
 * - a new VPC, subnet, security group or peering is missing from filtered, tag and list Describes
 *   for a while (a Describe by id in its own region sees it);
 * - a new peering is unknown by id in the other region for as long (`…ID.NotFound`);
 * - a write naming a group or VPC created moments ago answers `InvalidGroup.NotFound` /
 *   `InvalidVpcID.NotFound`.
 * Source: Amazon EC2 developer guide, "Eventual consistency in the Amazon EC2 API"
 * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html): the result of a
 * create "might not be immediately visible to all subsequent commands", and a modify or describe
 * of a resource just created can answer that it does not exist; its examples include
 * AuthorizeSecurityGroupIngress right after CreateSecurityGroup. For peerings, the VPC peering
 * guide ("Create a VPC peering connection"): the request must propagate to the accepter region.
 */
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { bodyText, ec2Error, withBody } from './ec2-error';
import { type FaithfulOptions, sampleSeconds } from './options';
import { filtersOf, listParam } from './params';
import { ownField, resultSet } from './xml';

type Kind = 'vpc' | 'subnet' | 'security-group' | 'peering';

interface Fresh {
  kind: Kind;
  region: string | undefined;
  /** Until then, filtered and list Describes (and the other region, for a peering) miss it. */
  visibleAt: number;
  /** Until then, a write naming it answers NotFound. */
  writableAt: number;
}

/** Each create, the element of its answer holding the new id, and the Describe that lists it. */
const CREATES: Record<string, { kind: Kind; idTag: string }> = {
  CreateVpc: { kind: 'vpc', idTag: 'vpcId' },
  CreateSubnet: { kind: 'subnet', idTag: 'subnetId' },
  CreateSecurityGroup: { kind: 'security-group', idTag: 'groupId' },
  CreateVpcPeeringConnection: { kind: 'peering', idTag: 'vpcPeeringConnectionId' },
};

const DESCRIBES: Record<string, { kind: Kind; setTag: string; idTag: string; idParam: string }> = {
  DescribeVpcs: { kind: 'vpc', setTag: 'vpcSet', idTag: 'vpcId', idParam: 'VpcId' },
  DescribeSubnets: { kind: 'subnet', setTag: 'subnetSet', idTag: 'subnetId', idParam: 'SubnetId' },
  DescribeSecurityGroups: { kind: 'security-group', setTag: 'securityGroupInfo', idTag: 'groupId', idParam: 'GroupId' },
  DescribeVpcPeeringConnections: {
    kind: 'peering',
    setTag: 'vpcPeeringConnectionSet',
    idTag: 'vpcPeeringConnectionId',
    idParam: 'VpcPeeringConnectionId',
  },
};

const GROUP_WRITES = /^(Authorize|Revoke)SecurityGroup(Ingress|Egress)$/;
const VPC_WRITES = /^(CreateSubnet|CreateSecurityGroup|CreateRouteTable|CreateNetworkAcl|ModifyVpcAttribute)$/;

export class EventualConsistency implements ProxyBehaviour {
  private fresh = new Map<string, Fresh>();

  constructor(
    private readonly ctx: BehaviourContext,
    private readonly options: FaithfulOptions,
  ) {}

  /** Fault rules were replaced; what AWS is doing is not theirs to reset. */
  reset(): void {}

  presentStatus(pcx: string, region: string | undefined, code: string): string {
    return this.unknownIn(pcx, region) ? '' : code;
  }

  refuse(call: AwsCall): Answer | undefined {
    if (call.service !== 'ec2') return undefined;
    const ids =
      call.action === 'DescribeVpcPeeringConnections'
        ? listParam(call.params, 'VpcPeeringConnectionId')
        : [call.params.get('VpcPeeringConnectionId') ?? ''];
    const unknown = ids.find((id) => this.unknownIn(id, call.region));
    if (unknown) {
      this.ctx.inject('eventual-consistency');
      return ec2Error(
        'InvalidVpcPeeringConnectionID.NotFound',
        `The vpcPeeringConnection ID '${unknown}' does not exist`,
      );
    }
    const group = GROUP_WRITES.test(call.action) ? call.params.get('GroupId') : null;
    if (group && this.notWritable(group, call.region)) {
      this.ctx.inject('not-found-after-create');
      return ec2Error('InvalidGroup.NotFound', `The security group '${group}' does not exist`);
    }
    const vpc = VPC_WRITES.test(call.action) ? call.params.get('VpcId') : null;
    if (vpc && this.notWritable(vpc, call.region)) {
      this.ctx.inject('not-found-after-create');
      return ec2Error('InvalidVpcID.NotFound', `The vpc ID '${vpc}' does not exist`);
    }
    return undefined;
  }

  afterUpstream(call: AwsCall, answer: Answer): Answer {
    if (call.service !== 'ec2' || answer.status !== 200) return answer;
    const create = CREATES[call.action];
    if (create) {
      const id = new RegExp(`<${create.idTag}>([^<]+)</${create.idTag}>`).exec(bodyText(answer))?.[1];
      if (id) this.remember(id, create.kind, call.region);
      return answer;
    }
    const describe = DESCRIBES[call.action];
    if (!describe) return answer;
    // A Describe by id alone sees what its own region has; filters and lists lag behind.
    const byIdOnly = filtersOf(call.params).length === 0 && listParam(call.params, describe.idParam).length > 0;
    const set = resultSet(bodyText(answer), describe.setTag);
    if (!set) return answer;
    const kept = set.items.filter((item) => {
      const id = ownField(item, describe.idTag) ?? '';
      const hidden = this.unknownIn(id, call.region) || (!byIdOnly && this.lagging(id, call.region));
      if (hidden) this.ctx.inject('eventual-consistency');
      return !hidden;
    });
    return kept.length === set.items.length ? answer : withBody(answer, set.rebuild(kept));
  }

  private remember(id: string, kind: Kind, region: string | undefined): void {
    const now = Date.now();
    const { lagSeconds, writeLagSeconds } = this.options;
    this.fresh.set(id, {
      kind,
      region,
      visibleAt: now + sampleSeconds(lagSeconds, () => this.ctx.random()) * 1000,
      writableAt: now + sampleSeconds(writeLagSeconds, () => this.ctx.random()) * 1000,
    });
  }

  private entry(id: string): Fresh | undefined {
    const entry = this.fresh.get(id);
    if (entry && Date.now() >= Math.max(entry.visibleAt, entry.writableAt)) this.fresh.delete(id);
    return this.fresh.get(id);
  }

  /** A peering not yet propagated to a region other than the one that created it. */
  private unknownIn(id: string, region: string | undefined): boolean {
    const e = this.entry(id);
    return e?.kind === 'peering' && e.region !== region && Date.now() < e.visibleAt;
  }

  private lagging(id: string, region: string | undefined): boolean {
    const e = this.entry(id);
    return e !== undefined && e.region === region && Date.now() < e.visibleAt;
  }

  private notWritable(id: string, region: string | undefined): boolean {
    const e = this.entry(id);
    return e !== undefined && e.region === region && Date.now() < e.writableAt;
  }
}
