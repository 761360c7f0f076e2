/**
 * sts:AssumeRole as AWS decides it. moto 5.2.1 hands out credentials for any role ARN: a role that
 * does not exist, a trust policy that does not name the caller, a wrong or missing external ID
 * and a malformed session name all succeed. AWS refuses each one (STS API reference, AssumeRole;
 * IAM user guide, "How to use an external ID"): `AccessDenied` (403), "User: <caller> is not
 * authorized to perform: sts:AssumeRole on resource: <role>", or `ValidationError` (400) for the
 * parameters. This layer sits in front of moto (or of the fault proxy), reads the role and its
 * trust policy from moto's IAM in the role's account, answers as AWS does, and passes every other
 * call, and every AssumeRole that AWS would allow, through unchanged.
 *
 * The trust policy is evaluated for what this project's policies use: Allow and Deny statements
 * on sts:AssumeRole, an AWS principal (`*`, an account id, `arn:aws:iam::<account>:root`, or the
 * caller's own ARN), and StringEquals / StringLike conditions on sts:ExternalId,
 * sts:RoleSessionName and aws:PrincipalAccount. A condition it does not know denies, so it is
 * never kinder than AWS.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { iamCall } from './moto-iam';
import { describeCall } from '../fault-proxy/call';
import { forward, readBody, send, xmlAnswer, type Answer } from '../fault-proxy/http';
import { errorXml } from '../fault-proxy/xml';

export interface StsTrustLayer {
  url: string;
  /** AssumeRole calls refused so far, with why (for tests that check the layer itself). */
  refusals: Array<{ roleArn: string; reason: string }>;
  /** AssumeRole calls let through, as asked. */
  granted: Array<{ roleArn: string; sessionName: string; externalId?: string }>;
  close(): Promise<void>;
}

interface Statement {
  Effect: 'Allow' | 'Deny';
  Principal?: { AWS?: string | string[] } | '*';
  Action: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

const glob = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);

interface Request {
  caller: { arn: string; account: string };
  externalId?: string;
  sessionName: string;
}

function conditionHolds(op: string, key: string, wanted: string[], req: Request): boolean {
  const context: Record<string, string | undefined> = {
    'sts:externalid': req.externalId,
    'sts:rolesessionname': req.sessionName,
    'aws:principalaccount': req.caller.account,
  };
  const actual = context[key.toLowerCase()];
  if (!(key.toLowerCase() in context) || actual === undefined) return false;
  if (op === 'StringEquals') return wanted.includes(actual);
  if (op === 'StringLike') return wanted.some((w) => glob(w, actual));
  return false;
}

function statementApplies(s: Statement, req: Request): boolean {
  const actions = list(s.Action);
  if (!actions.some((a) => a === '*' || a === 'sts:*' || a.toLowerCase() === 'sts:assumerole')) return false;
  const principals = s.Principal === '*' ? ['*'] : list(s.Principal?.AWS);
  // A role session is trusted by its role's ARN; moto writes an IAM user's ARN in the sts form.
  const iamCaller = req.caller.arn
    .replace(/^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/.*$/, 'arn:aws:iam::$1:role/$2')
    .replace(/^arn:aws:sts::(\d{12}):user\//, 'arn:aws:iam::$1:user/');
  const named = principals.some(
    (p) => p === '*' || p === req.caller.account || p === `arn:aws:iam::${req.caller.account}:root` || p === iamCaller,
  );
  if (!named) return false;
  return Object.entries(s.Condition ?? {}).every(([op, keys]) =>
    Object.entries(keys).every(([key, wanted]) => conditionHolds(op, key, list(wanted), req)),
  );
}

function decodePolicy(text: string): { Statement: Statement | Statement[] } | undefined {
  for (const candidate of [text, decodeURIComponent(text)]) {
    try {
      return JSON.parse(candidate.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as { Statement: Statement[] };
    } catch {
      // the next form
    }
  }
  return undefined;
}

async function callerOf(target: URL, authorization: string, token: string | undefined) {
  const accessKeyId = /Credential=([^/]+)\//.exec(authorization)?.[1] ?? 'unknown';
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: target.origin,
    credentials: { accessKeyId, secretAccessKey: 'unchecked', ...(token ? { sessionToken: token } : {}) },
  });
  const out = await sts.send(new GetCallerIdentityCommand({}));
  sts.destroy();
  return { arn: out.Arn ?? '', account: out.Account ?? '' };
}

const refusal = (status: number, code: string, message: string): Answer =>
  xmlAnswer(status, errorXml('sts', status, code, message));

export async function startStsTrust(opts: { target: string; host?: string }): Promise<StsTrustLayer> {
  const target = new URL(opts.target);
  const refusals: StsTrustLayer['refusals'] = [];
  const granted: StsTrustLayer['granted'] = [];

  const judge = async (req: http.IncomingMessage, params: URLSearchParams): Promise<Answer | undefined> => {
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    const externalId = params.get('ExternalId') ?? undefined;
    const refuse = (reason: string, answer: Answer) => {
      refusals.push({ roleArn, reason });
      return answer;
    };
    if (!SESSION_NAME.test(sessionName)) {
      return refuse(
        'session name',
        refusal(
          400,
          'ValidationError',
          `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
        ),
      );
    }
    if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
      return refuse(
        'external id',
        refusal(
          400,
          'ValidationError',
          `1 validation error detected: Value at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*`,
        ),
      );
    }
    const token = req.headers['x-amz-security-token'];
    const caller = await callerOf(
      target,
      String(req.headers.authorization ?? ''),
      typeof token === 'string' ? token : undefined,
    );
    const denied = (reason: string) =>
      refuse(
        reason,
        refusal(
          403,
          'AccessDenied',
          `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        ),
      );
    const arn = ROLE_ARN.exec(roleArn);
    if (!arn) return denied('not a role ARN');
    const role = await iamCall(arn[1]!, 'GetRole', { RoleName: arn[2]! }, target.origin);
    if (role.status !== 200) return denied('no such role');
    const doc = /<AssumeRolePolicyDocument>([\s\S]*?)<\/AssumeRolePolicyDocument>/.exec(role.xml)?.[1];
    const policy = doc ? decodePolicy(doc) : undefined;
    if (!policy) return denied('no readable trust policy');
    const request: Request = { caller, sessionName, ...(externalId ? { externalId } : {}) };
    const statements = list(policy.Statement);
    if (statements.some((s) => s.Effect === 'Deny' && statementApplies(s, request))) return denied('denied');
    if (!statements.some((s) => s.Effect === 'Allow' && statementApplies(s, request))) return denied('not trusted');
    granted.push({ roleArn, sessionName, ...(externalId ? { externalId } : {}) });
    return undefined;
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const call = describeCall(req, body);
      const answer =
        (call.service === 'sts' && call.action === 'AssumeRole' ? await judge(req, call.params) : undefined) ??
        (await forward(target, req, body));
      send(res, answer);
    })().catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`sts trust layer: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    refusals,
    granted,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
