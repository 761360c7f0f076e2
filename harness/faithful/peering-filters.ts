/**
 * DescribeVpcPeeringConnections filters, which moto ignores (it answers every peering of the
 * region whatever the filters say). AWS answers only the peerings that match every filter (any of
 * its values, `*` and `?` as wildcards), and refuses a filter name it does not know.
 * Source: DescribeVpcPeeringConnections API reference, "Filters"
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcPeeringConnections.html);
 * an unknown name answers `InvalidParameterValue: The filter '<name>' is invalid`.
 */
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { bodyText, ec2Error, withBody } from './ec2-error';
import { filtersOf, type QueryFilter } from './params';
import { element, fieldText, ownField, resultSet, tagsOf } from './xml';

const ACTION = 'DescribeVpcPeeringConnections';
const FIELDS: Record<string, (item: string) => string | undefined> = {
  'accepter-vpc-info.cidr-block': (i) => fieldText(element(i, 'accepterVpcInfo'), 'cidrBlock'),
  'accepter-vpc-info.owner-id': (i) => fieldText(element(i, 'accepterVpcInfo'), 'ownerId'),
  'accepter-vpc-info.vpc-id': (i) => fieldText(element(i, 'accepterVpcInfo'), 'vpcId'),
  'requester-vpc-info.cidr-block': (i) => fieldText(element(i, 'requesterVpcInfo'), 'cidrBlock'),
  'requester-vpc-info.owner-id': (i) => fieldText(element(i, 'requesterVpcInfo'), 'ownerId'),
  'requester-vpc-info.vpc-id': (i) => fieldText(element(i, 'requesterVpcInfo'), 'vpcId'),
  'status-code': (i) => fieldText(element(i, 'status'), 'code'),
  'status-message': (i) => fieldText(element(i, 'status'), 'message'),
  'vpc-peering-connection-id': (i) => ownField(i, 'vpcPeeringConnectionId'),
  'expiration-time': (i) => ownField(i, 'expirationTime'),
};

function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function known(name: string): boolean {
  return name in FIELDS || name === 'tag-key' || name.startsWith('tag:');
}

function matches(item: string, filter: QueryFilter): boolean {
  const patterns = filter.values.map(glob);
  const any = (values: Array<string | undefined>) =>
    values.some((v) => v !== undefined && patterns.some((p) => p.test(v)));
  if (filter.name === 'tag-key') return any([...tagsOf(item).keys()]);
  if (filter.name.startsWith('tag:')) return any([tagsOf(item).get(filter.name.slice(4))]);
  return any([FIELDS[filter.name]?.(item)]);
}

export class PeeringFilters implements ProxyBehaviour {
  constructor(private readonly ctx: BehaviourContext) {}

  reset(): void {}

  refuse(call: AwsCall): Answer | undefined {
    if (call.service !== 'ec2' || call.action !== ACTION) return undefined;
    const unknown = filtersOf(call.params).find((f) => !known(f.name));
    return unknown ? ec2Error('InvalidParameterValue', `The filter '${unknown.name}' is invalid`) : undefined;
  }

  afterUpstream(call: AwsCall, answer: Answer): Answer {
    if (call.service !== 'ec2' || call.action !== ACTION || answer.status !== 200) return answer;
    const filters = filtersOf(call.params);
    const set = filters.length ? resultSet(bodyText(answer), 'vpcPeeringConnectionSet') : undefined;
    if (!set) return answer;
    const kept = set.items.filter((item) => filters.every((f) => matches(item, f)));
    if (kept.length !== set.items.length) this.ctx.inject('peering-filter');
    return kept.length === set.items.length ? answer : withBody(answer, set.rebuild(kept));
  }
}
