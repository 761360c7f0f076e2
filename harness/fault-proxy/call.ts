/** What a request to the fault proxy is, read from its SigV4 scope, headers, query and form body. */
import { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface AwsCall {
  service?: string;
  region?: string;
  action: string;
  pcxIds: string[];
  /** The call narrows a Describe with `Filter.N.Name` (a tag or attribute filter), not only by id. */
  filtered: boolean;
  /** The query-protocol parameters (EC2, RDS, STS, Auto Scaling), from the form body or the query string. */
  params: URLSearchParams;
  /** From the SigV4 credential; moto derives the caller's account from it. */
  accessKeyId?: string;
  /** The request body as text, for behaviours that answer the call themselves. */
  body?: string;
}

const SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

export function isFormBody(headers: IncomingHttpHeaders): boolean {
  return header(headers, 'content-type').includes('x-www-form-urlencoded');
}

function paramsOf(url: URL, headers: IncomingHttpHeaders, text: string): URLSearchParams {
  return isFormBody(headers) ? new URLSearchParams(text) : url.searchParams;
}

function actionOf(method: string, url: URL, headers: IncomingHttpHeaders, params: URLSearchParams): string {
  const target = header(headers, 'x-amz-target');
  if (target) return target.split('.').pop() ?? target;
  return params.get('Action') ?? `${method} ${url.pathname}`;
}

export function describeCall(req: IncomingMessage, body: Buffer): AwsCall {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const text = body.toString('utf8');
  const scope = SCOPE.exec(header(req.headers, 'authorization'));
  const params = paramsOf(url, req.headers, text);
  return {
    accessKeyId: scope?.[1],
    region: scope?.[2],
    service: scope?.[3],
    action: actionOf(req.method ?? 'GET', url, req.headers, params),
    pcxIds: peeringIdsNamed(params),
    filtered: [...params.keys()].some((key) => /^Filter\.\d+\.Name$/.test(key)),
    params,
    body: text,
  };
}

/**
 * The peerings a call names as resources: AWS checks that those exist (an id, a route target, a
 * tagged resource), but never the values of a filter or of a tag, such as the NACL record's tag key
 * `vpc-peering:nacl-ingress:pcx-…` a read filters on. The EC2 query protocol only; nothing else
 * names a peering.
 */
function peeringIdsNamed(params: URLSearchParams): string[] {
  const ids = new Set<string>();
  for (const [key, value] of params) {
    if (/(^|\.)Filter\.\d+\.|(^|\.)Tag\.\d+\.(Key|Value)$/.test(key)) continue;
    for (const id of value.match(/pcx-[0-9a-z]+/g) ?? []) ids.add(id);
  }
  return [...ids];
}

export function isMutating(call: AwsCall): boolean {
  return call.service === 'ec2' && !/^(Describe|Get|List)/.test(call.action);
}
