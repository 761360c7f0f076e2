/**
 * A recorded AWS call as the IAM requests AWS authorizes for it (Service Authorization Reference:
 * each resource type an action names is authorized on its own, with the request's context). The
 * resource ARNs, tags, request tags and record names all come from the recorded call and the state
 * read just before it; nothing is assumed. A call this file does not know fails the evaluation, so a
 * new AWS call in the code cannot go unevaluated.
 */
import { groupOf, type RecordedCall, type Tags } from './recorder';
import { requestTags, resourceTags, tagList, type Context, type IamRequest } from './context';
import { rdsRequests } from './rds-requests';

export { requestTags, type Context, type IamRequest } from './context';

/** The identity policy that governs a caller: a side role's, by its name, or the worker's. */
export type PolicyName = 'worker' | 'requester' | 'accepter';

export function policyOf(callerArn: string): PolicyName {
  const role = /:assumed-role\/vpc-peering-(requester|accepter)-/.exec(callerArn)?.[1];
  return (role as PolicyName | undefined) ?? 'worker';
}

const numbered = (params: Record<string, string>, prefix: string) =>
  Object.entries(params)
    .filter(([k]) => new RegExp(`^${prefix}\\.\\d+$`).test(k))
    .map(([, v]) => v);

const EC2_TYPES: Record<string, string> = {
  vpc: 'vpc',
  subnet: 'subnet',
  sg: 'security-group',
  pcx: 'vpc-peering-connection',
  rtb: 'route-table',
  acl: 'network-acl',
  fl: 'vpc-flow-log',
};

const ec2Arn = (region: string, account: string, id: string) =>
  `arn:aws:ec2:${region}:${account}:${EC2_TYPES[id.split('-')[0]!] ?? 'unknown'}/${id}`;

/** The id a create answered (EC2 answers XML): the new resource's own ARN is what IAM authorizes. */
function createdId(response: string, element: string): string | undefined {
  return new RegExp(`<${element}>([a-z0-9-]+)</${element}>`).exec(response)?.[1];
}

const CREATED: Record<string, string> = {
  CreateVpc: 'vpcId',
  CreateSubnet: 'subnetId',
  CreateSecurityGroup: 'groupId',
  CreateVpcPeeringConnection: 'vpcPeeringConnectionId',
};

interface PeeringEnds {
  requester?: { VpcId?: string; OwnerId?: string; Region?: string };
  accepter?: { VpcId?: string; OwnerId?: string; Region?: string };
}

function ec2Requests(call: RecordedCall, base: Context): IamRequest[] {
  const { params, region, caller, action } = call;
  const own = caller.account;
  const on = (id: string, extra: Context = {}, account = own, where = region): IamRequest => ({
    action: `ec2:${action}`,
    resource: ec2Arn(where, account, id),
    resourceAccount: own,
    context: { ...base, ...resourceTags(call.tags[id]), ...extra },
  });
  const vpcOf = (id: string): Context => {
    const vpc = call.facts[`vpc:${id}`];
    return vpc ? { 'ec2:Vpc': ec2Arn(region, own, vpc) } : {};
  };
  const ends = (pcx: string): Context => {
    const e = JSON.parse(call.facts[`pcx:${pcx}`] ?? '{}') as PeeringEnds;
    const arn = (end: PeeringEnds['requester']) => `arn:aws:ec2:${end?.Region}:${end?.OwnerId}:vpc/${end?.VpcId}`;
    return { 'ec2:RequesterVpc': arn(e.requester), 'ec2:AccepterVpc': arn(e.accepter) };
  };
  const created = (id: string, extra: Context = {}): IamRequest[] => {
    const tags = tagList(params, 'TagSpecification.1.Tag');
    // Tags given on create are authorized as ec2:CreateTags on the new resource (EC2 user guide,
    // "Grant permission to tag Amazon EC2 resources during creation").
    return [
      { ...on(id, { ...requestTags(tags), ...extra }) },
      { ...on(id, { ...requestTags(tags), 'ec2:CreateAction': action }), action: 'ec2:CreateTags' },
    ];
  };
  if (action === 'DescribeVpcAttribute') return [on(params.VpcId!)];
  if (/^(Describe|Get)|^EnableAwsNetworkPerformanceMetricSubscription$/.test(action))
    return [{ action: `ec2:${action}`, resource: '*', resourceAccount: own, context: base }];
  if (CREATED[action]) {
    const id = createdId(call.response, CREATED[action]);
    if (!id) return [];
    if (action === 'CreateVpc') return created(id);
    if (action === 'CreateVpcPeeringConnection') {
      const peer = `arn:aws:ec2:${params.PeerRegion ?? region}:${params.PeerOwnerId ?? own}:vpc/${params.PeerVpcId}`;
      const pair = { 'ec2:RequesterVpc': ec2Arn(region, own, params.VpcId!), 'ec2:AccepterVpc': peer };
      // EC2 authorizes the peer VPC in the requester's identity policy alone (no resource policy).
      const peerVpc = { ...on(params.PeerVpcId!, {}, params.PeerOwnerId ?? own, params.PeerRegion ?? region) };
      return [...created(id, pair), on(params.VpcId!), peerVpc];
    }
    return [...created(id), on(params.VpcId!)];
  }
  switch (action) {
    case 'CreateRoute':
    case 'DeleteRoute':
      return [on(params.RouteTableId!, vpcOf(params.RouteTableId!))];
    case 'CreateNetworkAclEntry':
    case 'DeleteNetworkAclEntry':
      return [on(params.NetworkAclId!, vpcOf(params.NetworkAclId!))];
    case 'CreateTags':
    case 'DeleteTags': {
      const tags = tagList(params, 'Tag');
      const ask = action === 'CreateTags' ? requestTags(tags) : { 'aws:TagKeys': Object.keys(tags) };
      return numbered(params, 'ResourceId').map((id) => on(id, ask));
    }
    case 'AcceptVpcPeeringConnection': {
      const e = JSON.parse(call.facts[`pcx:${params.VpcPeeringConnectionId}`] ?? '{}') as PeeringEnds;
      return [on(params.VpcPeeringConnectionId!, ends(params.VpcPeeringConnectionId!)), on(e.accepter?.VpcId ?? '')];
    }
    case 'ModifyVpcPeeringConnectionOptions':
    case 'DeleteVpcPeeringConnection':
      return [on(params.VpcPeeringConnectionId!, ends(params.VpcPeeringConnectionId!))];
    case 'AuthorizeSecurityGroupIngress':
    case 'AuthorizeSecurityGroupEgress':
    case 'RevokeSecurityGroupIngress':
    case 'RevokeSecurityGroupEgress':
    case 'DeleteSecurityGroup':
      return [on(params.GroupId!)];
    case 'DeleteSubnet':
      return [on(params.SubnetId!)];
    case 'DeleteVpc':
    case 'ModifyVpcAttribute':
    case 'AssociateVpcCidrBlock':
      return [on(params.VpcId!)];
    case 'DeleteFlowLogs':
      return numbered(params, 'FlowLogId').map((id) => on(id));
    case 'CreateFlowLogs': {
      const ids = call.response.match(/fl-[0-9a-z]+/g) ?? [];
      const vpc = numbered(params, 'ResourceId')[0]!;
      const pass: IamRequest = {
        action: 'iam:PassRole',
        resource: params.DeliverLogsPermissionArn!,
        resourceAccount: own,
        context: { ...base, 'iam:PassedToService': 'vpc-flow-logs.amazonaws.com' },
      };
      return [...[...new Set(ids)].flatMap((id) => created(id)), on(vpc), pass];
    }
  }
  throw new Error(`no IAM mapping for ec2:${action}`);
}

/** Route 53's REST paths, as the IAM action and resource they are. */
function route53Requests(call: RecordedCall, base: Context): IamRequest[] {
  const path = call.path.replace(/^\/2013-04-01/, '').replace(/\/$/, '');
  const own = call.caller.account;
  const one = (action: string, resource: string, context: Context = base): IamRequest[] => [
    { action: `route53:${action}`, resource: `arn:aws:route53:::${resource}`, resourceAccount: own, context },
  ];
  let m: RegExpExecArray | null;
  if ((m = /^\/hostedzone\/([^/]+)$/.exec(path))) return one('GetHostedZone', `hostedzone/${m[1]}`);
  if ((m = /^\/hostedzone\/([^/]+)\/rrset$/.exec(path))) {
    if (call.method === 'GET') return one('ListResourceRecordSets', `hostedzone/${m[1]}`);
    const changes = [...call.body.matchAll(/<Change>([\s\S]*?)<\/Change>/g)].map((c) => c[1]!);
    const field = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? '';
    // Route 53 developer guide, "Using IAM policy conditions for fine-grained access control":
    // names lowercase, without the trailing dot.
    return one('ChangeResourceRecordSets', `hostedzone/${m[1]}`, {
      ...base,
      'route53:ChangeResourceRecordSetsActions': [...new Set(changes.map((c) => field(c, 'Action')))],
      'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
        ...new Set(changes.map((c) => field(c, 'Name').toLowerCase().replace(/\.$/, ''))),
      ],
      'route53:ChangeResourceRecordSetsRecordTypes': [...new Set(changes.map((c) => field(c, 'Type')))],
    });
  }
  if ((m = /^\/change\/([^/]+)$/.exec(path))) return one('GetChange', `change/${m[1]}`);
  if ((m = /^\/healthcheck\/([^/]+)\/status$/.exec(path))) return one('GetHealthCheckStatus', `healthcheck/${m[1]}`);
  throw new Error(`no IAM mapping for route53 ${call.method} ${call.path}`);
}

/** Every IAM request a recorded call needs allowed. */
export function iamRequestsOf(call: RecordedCall): IamRequest[] {
  const base: Context = { 'aws:PrincipalAccount': call.caller.account };
  const { region, action, params } = call;
  const own = call.caller.account;
  const json = (call.json ?? {}) as Record<string, string | undefined> & { tags?: Tags; services?: string[] };
  const any = (prefix: string): IamRequest[] => [
    { action: `${prefix}:${action}`, resource: '*', resourceAccount: own, context: base },
  ];
  const at = (iamAction: string, resource: string, context: Context = base): IamRequest => ({
    action: iamAction,
    resource,
    resourceAccount: own,
    context,
  });
  switch (call.service) {
    case 'ec2':
      return ec2Requests(call, base);
    case 'route53':
      return route53Requests(call, base);
    case 'ce':
    case 'pricing':
      return any(call.service);
    case 'servicequotas':
      if (action === 'GetAWSDefaultServiceQuota') return any('servicequotas');
      return [
        at(
          `servicequotas:${action}`,
          `arn:aws:servicequotas:${region}:${own}:${String(json.ServiceCode)}/${String(json.QuotaCode)}`,
        ),
      ];
    case 'logs': {
      if (action === 'DescribeLogGroups') return any('logs');
      const group = String(json.logGroupName ?? String(json.resourceArn ?? '').replace(/^.*:log-group:|:\*$/g, ''));
      const arn = `arn:aws:logs:${region}:${own}:log-group:${group}`;
      const tags = json.tags ?? {};
      if (action !== 'CreateLogGroup') return [at(`logs:${action}`, arn)];
      // A log group's tags given on create are also authorized as logs:TagResource.
      const asked = { ...base, ...requestTags(tags) };
      return [
        at('logs:CreateLogGroup', arn, asked),
        ...(Object.keys(tags).length ? [at('logs:TagResource', arn, asked)] : []),
      ];
    }
    case 'autoscaling': {
      if (action === 'DescribeAutoScalingGroups') return any('autoscaling');
      const name = groupOf(params)!;
      // The tag calls are authorized on the group, with the keys they write or delete.
      const keys: Context = action.endsWith('Tags')
        ? { 'aws:TagKeys': Object.keys(tagList(params, 'Tags.member')) }
        : {};
      const sizes = Object.fromEntries(
        (['MinSize', 'MaxSize'] as const).filter((k) => params[k]).map((k) => [`autoscaling:${k}`, params[k]!]),
      );
      return [
        at(`autoscaling:${action}`, call.facts[`arn:${name}`]!, {
          ...base,
          ...resourceTags(call.tags[name]),
          ...sizes,
          ...keys,
        }),
      ];
    }
    case 'ecs': {
      const cluster = String(json.cluster ?? 'default').replace(/^.*:cluster\//, '');
      if (action === 'DescribeServices')
        return (json.services ?? []).map((s) =>
          at('ecs:DescribeServices', `arn:aws:ecs:${region}:${own}:service/${cluster}/${s}`),
        );
      const service = String(json.service);
      return [
        at('ecs:UpdateService', call.facts[`arn:${service}`]!, {
          ...base,
          ...resourceTags(call.tags[service]),
          'ecs:cluster': call.facts[`cluster:${service}`]!,
          ...(json.taskDefinition ? { 'ecs:task-definition': String(json.taskDefinition) } : {}),
        }),
      ];
    }
    case 'rds':
      return rdsRequests(call, base);
    case 'monitoring':
      // DescribeAlarms is authorized per alarm named (ARC's sample policy for health alarms); the
      // metric reads on every resource.
      if (action !== 'DescribeAlarms') return any('cloudwatch');
      return ((call.json?.AlarmNames as string[] | undefined) ?? []).map((n) =>
        at(`cloudwatch:${action}`, `arn:aws:cloudwatch:${region}:${own}:alarm:${n}`),
      );
    case 'sns':
      // A failover's notify: Publish on the topic named, in its own region.
      return [at(`sns:${action}`, String(params.TopicArn ?? json.TopicArn))];
    case 'sts':
      if (action === 'GetCallerIdentity') return [];
      return [
        at('sts:AssumeRole', params.RoleArn!, {
          ...base,
          'sts:RoleSessionName': params.RoleSessionName!,
          ...(params.ExternalId ? { 'sts:ExternalId': params.ExternalId } : {}),
        }),
      ];
  }
  throw new Error(`no IAM mapping for ${call.service}:${action}`);
}
