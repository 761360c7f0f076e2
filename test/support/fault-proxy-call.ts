/** What a request to the fault proxy is, read from its SigV4 scope, headers, query and form body. */
import { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface AwsCall {
  service?: string;
  region?: string;
  action: string;
  pcxIds: string[];
  /** The call narrows a Describe with `Filter.N.Name` (a tag or attribute filter), not only by id. */
  filtered: boolean;
}

const SCOPE = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function actionOf(method: string, url: URL, headers: IncomingHttpHeaders, text: string): string {
  const target = header(headers, 'x-amz-target');
  if (target) return target.split('.').pop() ?? target;
  const form = header(headers, 'content-type').includes('x-www-form-urlencoded');
  const query = form ? new URLSearchParams(text).get('Action') : url.searchParams.get('Action');
  return query ?? `${method} ${url.pathname}`;
}

export function describeCall(req: IncomingMessage, body: Buffer): AwsCall {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const text = body.toString('utf8');
  const scope = SCOPE.exec(header(req.headers, 'authorization'));
  const pcxIds = new Set(`${url.search} ${text}`.match(/pcx-[0-9a-z]+/g) ?? []);
  return {
    region: scope?.[1],
    service: scope?.[2],
    action: actionOf(req.method ?? 'GET', url, req.headers, text),
    pcxIds: [...pcxIds],
    filtered: /(^|[?&])Filter\.\d+\.Name=/.test(`${url.search.slice(1)}&${text}`),
  };
}

export function isMutating(call: AwsCall): boolean {
  return call.service === 'ec2' && !/^(Describe|Get|List)/.test(call.action);
}
