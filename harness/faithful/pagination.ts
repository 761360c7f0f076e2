/**
 * Small pages on the Describe calls the code makes, so that a caller which does not follow
 * NextToken misses what is on the later pages. moto 5.2.1 ignores MaxResults on all six of these
 * calls and answers everything at once, so the layer asks moto for the whole list and serves it
 * page by page itself, with its own tokens.
 * - A page holds at most `pageSize` items, fewer than MaxResults: an AWS API "can return fewer
 *   results than the maximum even when there are more results available. You should check
 *   NextToken after every operation" (AWS's pagination note, e.g. Service Quotas ListServices).
 * - DescribeSecurityGroups is paged only when the caller asks (MaxResults or NextToken): its
 *   reference says "If this parameter is not specified, then all items are returned". The other
 *   calls make no such promise, so they are paged always.
 * - A token from another request, or a made-up one: `InvalidPaginationToken`.
 * Sources: Amazon EC2 developer guide, "Pagination in the Amazon EC2 API"
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-pagination.html); the MaxResults and
 * NextToken fields of each call's API reference; EC2 error codes, InvalidPaginationToken.
 */
import { createHash } from 'node:crypto';
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { bodyText, ec2Error, withBody } from './ec2-error';
import { resultSet, withNextToken } from './xml';

/** Each paged call and its result set; `always` = paged even when the caller did not ask. */
const PAGED: Record<string, { setTag: string; always: boolean }> = {
  DescribeVpcs: { setTag: 'vpcSet', always: true },
  DescribeSubnets: { setTag: 'subnetSet', always: true },
  DescribeRouteTables: { setTag: 'routeTableSet', always: true },
  DescribeNetworkAcls: { setTag: 'networkAclSet', always: true },
  DescribeVpcPeeringConnections: { setTag: 'vpcPeeringConnectionSet', always: true },
  DescribeSecurityGroups: { setTag: 'securityGroupInfo', always: false },
};
const PAGING = new Set(['MaxResults', 'NextToken']);

/** The request without its paging parameters, so that a token fits only the request it came from. */
function fingerprint(params: URLSearchParams): string {
  const rest = [...params].filter(([k]) => !PAGING.has(k)).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}

function token(offset: number, params: URLSearchParams): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint(params) }), 'utf8').toString('base64url');
}

/** The offset a token stands for, or undefined when it is not one of ours for this request. */
function offsetOf(text: string, params: URLSearchParams): number | undefined {
  try {
    const t = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown };
    return typeof t.o === 'number' && t.f === fingerprint(params) ? t.o : undefined;
  } catch {
    return undefined;
  }
}

export class Pagination implements ProxyBehaviour {
  constructor(
    private readonly ctx: BehaviourContext,
    private readonly pageSize: number,
  ) {}

  reset(): void {}

  private paged(call: AwsCall): { setTag: string } | undefined {
    const paged = call.service === 'ec2' ? PAGED[call.action] : undefined;
    if (!paged) return undefined;
    return paged.always || call.params.has('MaxResults') || call.params.has('NextToken') ? paged : undefined;
  }

  refuse(call: AwsCall): Answer | undefined {
    const next = call.params.get('NextToken');
    if (!this.paged(call) || !next || offsetOf(next, call.params) !== undefined) return undefined;
    return ec2Error('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.');
  }

  upstreamParams(call: AwsCall, params: URLSearchParams): URLSearchParams {
    if (!this.paged(call)) return params;
    const whole = new URLSearchParams(params);
    for (const key of PAGING) whole.delete(key);
    return whole;
  }

  afterUpstream(call: AwsCall, answer: Answer): Answer {
    const paged = this.paged(call);
    if (!paged || answer.status !== 200) return answer;
    const xml = bodyText(answer);
    const set = resultSet(xml, paged.setTag);
    if (!set) return answer;
    const asked = Number(call.params.get('MaxResults') ?? Number.POSITIVE_INFINITY);
    const size = Math.max(1, Math.min(this.pageSize, asked));
    const from = offsetOf(call.params.get('NextToken') ?? '', call.params) ?? 0;
    const page = set.items.slice(from, from + size);
    const more = from + size < set.items.length;
    if (more || from > 0) this.ctx.inject('page');
    const rebuilt = page.length === set.items.length ? xml : set.rebuild(page);
    return withBody(answer, withNextToken(rebuilt, more ? token(from + size, call.params) : undefined));
  }
}
