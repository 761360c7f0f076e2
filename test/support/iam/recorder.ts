/**
 * Records every AWS call the worker makes, as IAM would see it: a proxy in front of the run's AWS
 * endpoint that keeps each request's service, region, action, parameters and caller, and, just
 * before a call that changes something is forwarded, reads from moto the state IAM decides on: the
 * tags of each resource the call names, the VPC a route table or network ACL belongs to, the two
 * VPCs of a peering, the ARNs of Auto Scaling groups, ECS services and RDS instances. Answers keep
 * the ids of what a create made (its ARN is the resource IAM authorizes).
 */
import { DescribeAutoScalingGroupsCommand, AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeTagsCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ECSClient, ListTagsForResourceCommand as EcsTags } from '@aws-sdk/client-ecs';
import { ListTagsForResourceCommand as RdsTags, RDSClient } from '@aws-sdk/client-rds';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { describeCall } from '../../../harness/fault-proxy/call';
import { forward, readBody, send } from '../../../harness/fault-proxy/http';

export type Tags = Record<string, string>;

export interface RecordedCall {
  service: string;
  region: string;
  action: string;
  method: string;
  path: string;
  /** Query-protocol parameters (EC2, RDS, STS, Auto Scaling), else empty. */
  params: Record<string, string>;
  /** JSON-protocol body (ECS, CloudWatch Logs, Service Quotas, Cost Explorer, Pricing), else undefined. */
  json?: Record<string, unknown>;
  /** Route 53's REST XML body. */
  body: string;
  caller: { account: string; arn: string };
  status: number;
  response: string;
  /** Read from moto just before the call went on: resource id or ARN → its tags. */
  tags: Record<string, Tags>;
  /**
   * Facts of the same moment: `vpc:<rtb or acl id>`, `pcx:<id>` (JSON of both ends), `arn:<name>`,
   * `cluster:<service>`; `stateError` when moto could not be read (the evaluation then refuses the call).
   */
  facts: Record<string, string>;
}

export interface IamRecorder {
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

const READ_ONLY = /^(Describe|Get|List|Filter)/;
const EC2_IDS =
  /^(RouteTableId|NetworkAclId|GroupId|VpcId|SubnetId|VpcPeeringConnectionId|ResourceId\.\d+|Resource\.\d+|FlowLogId\.\d+)$/;
const tagMap = (list: Array<{ Key?: string; Value?: string; key?: string; value?: string }> | undefined): Tags =>
  Object.fromEntries((list ?? []).map((t) => [t.Key ?? t.key ?? '', t.Value ?? t.value ?? '']));

/** SDK clients straight to moto, acting as one account (moto reads `x-moto-account-id`). */
class MotoState {
  constructor(private readonly url: string) {}

  client<C extends { middlewareStack: { add: (...a: never[]) => void } }>(
    Make: new (config: object) => C,
    region: string,
    account: string,
  ): C {
    const client = new Make({
      region,
      endpoint: this.url,
      credentials: { accessKeyId: 'iam-recorder', secretAccessKey: 'unchecked' },
    });
    (client.middlewareStack as unknown as { add: (mw: unknown, opts: object) => void }).add(
      (next: (a: unknown) => Promise<unknown>) => async (args: { request: { headers: Record<string, string> } }) => {
        args.request.headers['x-moto-account-id'] = account;
        return next(args);
      },
      { step: 'build', name: 'motoAccount' },
    );
    return client;
  }

  async caller(accessKeyId: string | undefined): Promise<{ account: string; arn: string }> {
    const sts = new STSClient({
      region: 'us-east-1',
      endpoint: this.url,
      credentials: { accessKeyId: accessKeyId ?? 'test', secretAccessKey: 'unchecked' },
    });
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  }
}

/** What IAM decides a mutating call on, read as the caller's account sees it. */
async function callTimeState(moto: MotoState, call: RecordedCall): Promise<void> {
  const { region, caller } = call;
  const account = caller.account;
  if (call.service === 'ec2') {
    const ec2 = moto.client(EC2Client, region, account);
    const ids = Object.entries(call.params)
      .filter(([k]) => EC2_IDS.test(k))
      .map(([, v]) => v);
    const rtb = call.params.RouteTableId;
    const acl = call.params.NetworkAclId;
    if (rtb) {
      const table = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables?.[0];
      if (table?.VpcId) {
        call.facts[`vpc:${rtb}`] = table.VpcId;
        ids.push(table.VpcId);
      }
    }
    if (acl) {
      const nacl = (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [acl] }))).NetworkAcls?.[0];
      if (nacl?.VpcId) {
        call.facts[`vpc:${acl}`] = nacl.VpcId;
        ids.push(nacl.VpcId);
      }
    }
    const pcx = call.params.VpcPeeringConnectionId;
    if (pcx) {
      const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
      const p = out.VpcPeeringConnections?.find((c) => c.VpcPeeringConnectionId === pcx);
      if (p) call.facts[`pcx:${pcx}`] = JSON.stringify({ requester: p.RequesterVpcInfo, accepter: p.AccepterVpcInfo });
    }
    if (!ids.length) return;
    const out = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: ids }] }));
    for (const id of ids) call.tags[id] = {};
    for (const t of out.Tags ?? []) call.tags[t.ResourceId!]![t.Key!] = t.Value ?? '';
  } else if (call.service === 'autoscaling' && groupOf(call.params)) {
    const name = groupOf(call.params)!;
    const out = await moto
      .client(AutoScalingClient, region, account)
      .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
    const group = out.AutoScalingGroups?.[0];
    call.facts[`arn:${name}`] = group?.AutoScalingGroupARN ?? '';
    call.tags[name] = tagMap(group?.Tags);
  } else if (call.service === 'ecs' && call.json?.service) {
    const ecs = moto.client(ECSClient, region, account);
    const { cluster, service } = call.json as { cluster: string; service: string };
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0];
    call.facts[`arn:${service}`] = svc?.serviceArn ?? '';
    call.facts[`cluster:${service}`] = svc?.clusterArn ?? '';
    if (svc?.serviceArn)
      call.tags[service] = tagMap((await ecs.send(new EcsTags({ resourceArn: svc.serviceArn }))).tags);
  } else if (call.service === 'rds') {
    await rdsState(moto, call);
  }
}

/** An RDS resource's tags by ARN (its own region's API); none when it does not exist yet. */
async function rdsTags(moto: MotoState, arn: string, account: string): Promise<Tags | undefined> {
  const region = arn.split(':')[3] ?? 'us-east-1';
  try {
    return tagMap((await moto.client(RDSClient, region, account).send(new RdsTags({ ResourceName: arn }))).TagList);
  } catch (err) {
    if (/NotFound/.test((err as Error).name)) return undefined;
    throw err;
  }
}

/**
 * RDS: the instance a call names (its ARN and tags; a replica about to be made has neither yet),
 * the source of a read replica, the subnet group it names, or the resource AddTagsToResource tags.
 */
async function rdsState(moto: MotoState, call: RecordedCall): Promise<void> {
  const { region, caller, params } = call;
  const account = caller.account;
  const arnOf = (kind: string, id: string) => `arn:aws:rds:${region}:${account}:${kind}:${id}`;
  const remember = async (key: string, arn: string) => {
    call.facts[`arn:${key}`] = arn;
    const tags = await rdsTags(moto, arn, account);
    if (tags) call.tags[key] = tags;
  };
  if (params.DBInstanceIdentifier)
    await remember(params.DBInstanceIdentifier, arnOf('db', params.DBInstanceIdentifier));
  if (params.SourceDBInstanceIdentifier) {
    const source = params.SourceDBInstanceIdentifier;
    await remember(source, source.startsWith('arn:') ? source : arnOf('db', source));
  }
  if (params.DBSubnetGroupName) await remember(params.DBSubnetGroupName, arnOf('subgrp', params.DBSubnetGroupName));
  if (params.ResourceName) await remember(params.ResourceName, params.ResourceName);
}

/** Starts the recorder in front of `target` (the trust layer, fault proxy or moto the worker would use). */
export async function startIamRecorder(opts: { target: string; motoUrl: string }): Promise<IamRecorder> {
  const target = new URL(opts.target);
  const moto = new MotoState(opts.motoUrl);
  const callers = new Map<string, Promise<{ account: string; arn: string }>>();
  const calls: RecordedCall[] = [];

  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const described = describeCall(req, body);
      const key = described.accessKeyId ?? 'test';
      if (!callers.has(key)) callers.set(key, moto.caller(key));
      const text = described.body ?? '';
      const call: RecordedCall = {
        service: described.service ?? '',
        region: described.region ?? 'us-east-1',
        action: described.action,
        method: req.method ?? 'GET',
        path: new URL(req.url ?? '/', 'http://recorder').pathname,
        params: Object.fromEntries(described.params),
        ...(text.startsWith('{') ? { json: JSON.parse(text) as Record<string, unknown> } : {}),
        body: text,
        caller: await callers.get(key)!,
        status: 0,
        response: '',
        tags: {},
        facts: {},
      };
      if (!READ_ONLY.test(call.action) && call.service !== 'sts') {
        await callTimeState(moto, call).catch((err: unknown) => {
          call.facts.stateError = err instanceof Error ? err.message : String(err);
        });
      }
      const answer = await forward(target, req, body);
      call.status = answer.status;
      call.response = answer.body.toString('utf8');
      calls.push(call);
      send(res, answer);
    })().catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`iam recorder: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The group a call acts on: by name, or (tag calls) as the resource of its first tag. */
export const groupOf = (params: Record<string, string>): string | undefined =>
  params.AutoScalingGroupName ?? params['Tags.member.1.ResourceId'];
