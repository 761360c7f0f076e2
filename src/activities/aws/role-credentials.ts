import { STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { ApplicationFailure } from '@temporalio/common';
import { DEFAULT_ASSUMABLE_ROLE_ARNS, roleArnAllowed, type SideAccess } from '../../domain/aws/access';
import { FailureTypes } from '../../domain/failure-types';

/** What the SDK's credential providers answer. */
interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
type Provider = () => Promise<Credentials>;

/** The session name of a role assumed without a setup to name (never the case for a setup's calls). */
export const DEFAULT_SESSION_NAME = 'vpc-peering-dr';
/** Roles, external IDs and sessions held at once; the oldest is dropped (and assumed again if used again). */
export const MAX_HELD = 256;
/** Credentials this close to expiring are renewed before use. */
const REFRESH_MS = 5 * 60_000;
const THROTTLING = /^(Throttling|ThrottlingException|RequestLimitExceeded|TooManyRequestsException)$/;

interface AwsError extends Error {
  $metadata?: { httpStatusCode?: number };
}

/**
 * STS refused the role (no such role, a trust policy that does not name the worker, a wrong or
 * missing external ID): the same answer on every retry. It keeps STS's `$metadata`, so the one
 * error conversion (errors.ts) finds it non-retryable, and says which role and why.
 */
function refused(access: SideAccess, err: unknown): unknown {
  const e = err as AwsError;
  const status = e?.$metadata?.httpStatusCode;
  if (status === undefined || status >= 500 || status === 429 || THROTTLING.test(e.name)) return err;
  const failure = new Error(
    `could not assume ${access.roleArn} (session ${access.roleSessionName ?? DEFAULT_SESSION_NAME}` +
      `${access.externalId ? ', with the external ID given' : ', without an external ID'}): ${e.name}: ${e.message}. ` +
      "Check that the role exists, that its trust policy names this worker's principal, and the external ID",
  );
  failure.name = FailureTypes.AssumeRoleRefused;
  return Object.assign(failure, { $metadata: e.$metadata });
}

/** One provider per role, external ID and session, shared by every client that uses it. */
function shared(provider: Provider): Provider {
  let current: Promise<Credentials> | undefined;
  let expires = 0;
  return () => {
    if (!current || Date.now() > expires - REFRESH_MS) {
      const next = provider().then((c) => {
        expires = c.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
        return c;
      });
      next.catch(() => {
        if (current === next) current = undefined;
      });
      current = next;
      expires = Number.POSITIVE_INFINITY;
    }
    return current;
  };
}

/**
 * A role outside the worker's allowlist: refused by the worker, without asking STS, on every try.
 * The message names the setting, not its patterns, which stay the operator's; the workflow names
 * the request's field from the role in the details.
 */
function notAllowed(roleArn: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.RoleNotAllowed,
    message: `${roleArn} is outside the worker's allowlist of roles it may assume (its ASSUMABLE_ROLE_ARNS setting)`,
    nonRetryable: true,
    details: [{ roleArn }],
  });
}

export interface RoleCredentialOptions {
  /** Settings for the STS client that assumes the roles (an endpoint, the worker's credentials). */
  stsConfig: { endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
  /**
   * Patterns of the roles this worker may assume (`*` and `?` as in IAM); any other is refused.
   * @default DEFAULT_ASSUMABLE_ROLE_ARNS
   */
  assumableRoleArns?: readonly string[];
}

/**
 * Credentials for a side's role: sts:AssumeRole with the worker's own credentials, in the side's
 * region, with its external ID and the session name that says which setup made the call.
 *
 * The role comes from the request, so the worker checks it against its own allowlist first: with
 * `sts:AssumeRole` on `role/vpc-peering-*`, whoever starts a workflow could otherwise name any
 * team's role (its external ID is caller input too). The check is here, where every client for a
 * role gets its credentials, rather than in an activity of its own: no path (setup, rollback,
 * teardown, mesh, failover, drill, cost) can reach a role around it, and no workflow's commands
 * change. A refusal comes with the first call made through the role, and each workflow's first
 * calls of a side are reads (a setup's VPC and conflict checks, a mesh's plan, a teardown's
 * inventory, a failover's preflight), so it comes before any change.
 */
export function createRoleCredentials(options: RoleCredentialOptions) {
  const sts = new Map<string, STSClient>();
  const providers = new Map<string, Provider>();
  const allowed = options.assumableRoleArns ?? DEFAULT_ASSUMABLE_ROLE_ARNS;

  return (region: string, access: SideAccess & { roleArn: string }): Provider => {
    if (!roleArnAllowed(access.roleArn, allowed)) return () => Promise.reject(notAllowed(access.roleArn));
    const key = [region, access.roleArn, access.externalId ?? '', access.roleSessionName ?? ''].join('|');
    let provider = providers.get(key);
    if (provider) return provider;
    let stsClient = sts.get(region);
    if (!stsClient) {
      stsClient = new STSClient({ region, ...options.stsConfig });
      sts.set(region, stsClient);
    }
    const assume = fromTemporaryCredentials({
      params: {
        RoleArn: access.roleArn,
        RoleSessionName: access.roleSessionName ?? DEFAULT_SESSION_NAME,
        ...(access.externalId ? { ExternalId: access.externalId } : {}),
      },
      masterCredentials: stsClient.config.credentials,
      clientConfig: { region, ...(options.stsConfig.endpoint ? { endpoint: options.stsConfig.endpoint } : {}) },
    });
    provider = shared(async () => {
      try {
        return await assume();
      } catch (err) {
        throw refused(access, err);
      }
    });
    providers.set(key, provider);
    // A session per setup: a long-lived worker would otherwise hold every setup's credentials.
    if (providers.size > MAX_HELD) providers.delete(providers.keys().next().value!);
    return provider;
  };
}
