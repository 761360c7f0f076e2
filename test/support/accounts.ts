/**
 * Two AWS accounts on one moto: the worker's own (moto's default, 123456789012) and a partner
 * account (222222222222) reached only through roles. GIVEN and THEN steps talk to an account
 * directly with moto's `x-moto-account-id` header; IAM roles are made with moto's IAM query API
 * (no IAM client is a dependency of the project).
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { testEnv } from './env';
import { CREDENTIALS } from './harness';
import { ROOT } from '../../harness/root';
import { iamCall as motoIamCall } from '../../harness/faithful/moto-iam';

/** The account moto gives the test credentials: the worker's own. */
export const WORKER_ACCOUNT = '123456789012';
/** The partner account: the DR side of a cross-account pair. */
export const PARTNER_ACCOUNT = '222222222222';
/** Who calls sts:AssumeRole: moto names the test credentials' principal so. */
export const WORKER_PRINCIPAL = `arn:aws:iam::${WORKER_ACCOUNT}:user/moto`;

type Middleware = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>;

/** A direct EC2 client on moto in `account` (the worker's own when absent), never through a layer. */
export function ec2In(region: string, account?: string, endpoint = testEnv().motoUrl): EC2Client {
  const client = new EC2Client({ region, endpoint, credentials: CREDENTIALS });
  if (account) {
    const header: Middleware = (next) => (args) => {
      (args as { request: { headers: Record<string, string> } }).request.headers['x-moto-account-id'] = account;
      return next(args);
    };
    (client.middlewareStack as { add(mw: Middleware, o: { step: 'build'; name: string }): void }).add(header, {
      step: 'build',
      name: 'motoAccount',
    });
  }
  return client;
}

/** moto's IAM query API as `account`, on the run's moto unless told otherwise. */
export function iamCall(
  account: string,
  action: string,
  params: Record<string, string>,
  endpoint = testEnv().motoUrl,
): Promise<{ status: number; xml: string }> {
  return motoIamCall(account, action, params, endpoint);
}

/** The trust policy shipped in policy/, with its placeholders filled in. */
export function shippedTrustPolicy(externalId: string, principal = WORKER_PRINCIPAL): string {
  const text = fs.readFileSync(path.join(ROOT, 'policy', 'side-role-trust-policy.json'), 'utf8');
  return text.replace(/<WORKER_ROLE_ARN>/g, principal).replace(/<EXTERNAL_ID>/g, externalId);
}

/** Makes a role in `account` whose trust policy is `trust`; answers its ARN. */
export async function createRole(account: string, name: string, trust: string): Promise<string> {
  const out = await iamCall(account, 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: trust });
  if (out.status !== 200) throw new Error(`CreateRole ${name} in ${account}: ${out.status} ${out.xml}`);
  return `arn:aws:iam::${account}:role/${name}`;
}

/** The partner account's two side roles, trusting the worker with `externalId` as the shipped trust policy does. */
export async function partnerRoles(tag: string, externalId: string): Promise<{ requester: string; accepter: string }> {
  const trust = shippedTrustPolicy(externalId);
  const [requester, accepter] = await Promise.all(
    ['requester', 'accepter'].map((side) => createRole(PARTNER_ACCOUNT, `vpc-peering-${side}-${tag}`, trust)),
  );
  return { requester: requester!, accepter: accepter! };
}
