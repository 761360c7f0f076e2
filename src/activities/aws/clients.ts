import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { PricingClient } from '@aws-sdk/client-pricing';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SNSClient } from '@aws-sdk/client-sns';
import type { SideAccess } from '../../domain/aws/access';
import { createRoleCredentials, MAX_HELD } from './role-credentials';

/**
 * Sees every AWS operation: used for call counts (bench) and the IAM policy audit (tests), which
 * tells the worker's own calls from those made through a side's role (`roleArn`).
 */
export type CommandObserver = (call: { service: string; region: string; operation: string; roleArn?: string }) => void;

/** A side's role, or the worker's own credentials (undefined); a bare string is a role ARN. */
export type Access = SideAccess | string | undefined;

/**
 * The only way activities reach AWS: one client per service, region and credential, built on first
 * use and then reused. Endpoints and credentials come from the SDK's own chain
 * (`AWS_ENDPOINT_URL`, profiles, instance roles), so nothing here knows about an emulator.
 */
export interface AwsClients {
  ec2(region: string, access?: Access): EC2Client;
  rds(region: string, access?: Access): RDSClient;
  route53(access?: Access): Route53Client;
  serviceQuotas(region: string, access?: Access): ServiceQuotasClient;
  /** Cost Explorer is global, served from us-east-1; every request is billed. */
  costExplorer(): CostExplorerClient;
  /** The Pricing API, through its us-east-1 endpoint. */
  pricing(): PricingClient;
  logs(region: string, access?: Access): CloudWatchLogsClient;
  autoScaling(region: string): AutoScalingClient;
  ecs(region: string): ECSClient;
  /** CloudWatch in one region: an alarm, or a replica's ReplicaLag, is read in its own region. */
  cloudWatch(region: string): CloudWatchClient;
  /** SNS in a topic's own region (the failover's `notify`). */
  sns(region: string): SNSClient;
  /**
   * One regional endpoint of a Route 53 ARC cluster: the data plane. Bounded like a probe, since
   * the retry is the next endpoint.
   */
  routingControl(endpoint: { region: string; endpoint: string }): Route53RecoveryClusterClient;
  /**
   * The same clients for checks in a region that may be down: one attempt, and at most
   * `probeTimeoutMs` to connect and answer, so a region that does not answer costs seconds.
   */
  probe: ProbeClients;
  /** How long a probe waits for an answer, for the reports that say so. */
  probeTimeoutMs: number;
}

export type ProbeClients = Pick<AwsClients, 'ec2' | 'rds' | 'route53' | 'autoScaling' | 'ecs' | 'cloudWatch'>;

export type AwsService =
  | 'ec2'
  | 'rds'
  | 'route53'
  | 'servicequotas'
  | 'autoscaling'
  | 'ecs'
  | 'ce'
  | 'pricing'
  | 'logs'
  | 'sts'
  | 'cloudwatch'
  | 'sns';

/**
 * A report falls back to its own table when Pricing is unreachable, so it should not wait long for
 * it (throwOnRequestTimeout: without it the handler only logs a warning when requestTimeout passes).
 */
const PRICING_TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 8_000, throwOnRequestTimeout: true };

export interface AwsClientOptions {
  /** @default 3, the SDK's own default; Temporal's retry policy adds more on top. */
  maxAttempts?: number;
  /**
   * How long a probe (and a routing-control call) waits for an answer before it counts as
   * unreachable. Connecting gets at most 2 s of it.
   * @default 3000
   */
  probeTimeoutMs?: number;
  observers?: CommandObserver[];
  /** Extra SDK client settings (an endpoint, a request handler); the default is the SDK's own chain. */
  clientConfig?: { endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
  /** One service's endpoint instead of `clientConfig.endpoint` (like `AWS_ENDPOINT_URL_<SERVICE>`). */
  serviceEndpoints?: Partial<Record<AwsService, string>>;
  /**
   * Patterns of the side roles this worker may assume; a call through any other role fails with
   * the non-retryable `RoleNotAllowed` before STS is asked (role-credentials.ts).
   * @default DEFAULT_ASSUMABLE_ROLE_ARNS, the roles the worker policy lets it assume
   */
  assumableRoleArns?: readonly string[];
}

interface SdkClient {
  middlewareStack: object;
}

type Middleware = (
  next: (args: unknown) => Promise<unknown>,
  ctx: { commandName?: string },
) => (args: unknown) => Promise<unknown>;

const DEFAULT_PROBE_TIMEOUT_MS = 3_000;
const MAX_CONNECT_MS = 2_000;
/**
 * A regional probe also gives up after this long without a byte once connected (the handler's
 * socketTimeout, an idle bound: the TLS handshake and the answer reset it). A region that answers
 * is never silent that long: an EC2 read answers within 500 ms at p99 plus one round trip (at most
 * ~300 ms between regions); a region that took the connection and never answers cost the whole
 * 3 s bound, which the failover bench measured as nearly all of an unplanned failover's preflight.
 */
const PROBE_SILENCE_MS = 1_000;

const THROTTLING = /^(RequestLimitExceeded|Throttling|ThrottlingException|TooManyRequestsException)$/;
const READ_ONLY = /^(Describe|Get|List)/;

/**
 * EC2 creates have no ClientToken, so the SDK's own retry of a create whose response was lost (or
 * that answered 5xx after doing the work) makes a duplicate. For mutating EC2 calls this turns such
 * errors into one the SDK does not retry; the activity's retry then finds its earlier work by tag
 * first. Throttling is still retried by the SDK: AWS refused before doing anything.
 */
function noBlindRetriesOfWrites(client: SdkClient): void {
  (client.middlewareStack as { add(mw: Middleware, opts: { step: 'deserialize'; name: string }): void }).add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        const e = err as Error & { code?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
        const operation = (context.commandName ?? '').replace(/Command$/, '');
        const ambiguous = e.$metadata?.httpStatusCode === undefined || e.$metadata.httpStatusCode >= 500;
        if (READ_ONLY.test(operation) || THROTTLING.test(e.name) || !ambiguous) throw err;
        // No `cause`: the SDK looks through it and would retry a transient cause after all.
        const lost = new Error(`${operation} may or may not have taken effect: ${e.name}: ${e.message}`);
        lost.name = e.$metadata?.httpStatusCode ? e.name : 'ResponseLost';
        throw Object.assign(lost, {
          $metadata: { ...(e.$metadata?.requestId ? { requestId: e.$metadata.requestId } : {}) },
        });
      }
    },
    { step: 'deserialize', name: 'noBlindRetriesOfWrites' },
  );
}

const asAccess = (access: Access): SideAccess => (typeof access === 'string' ? { roleArn: access } : (access ?? {}));

export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const cache = new Map<string, unknown>();
  const roleCredentials = createRoleCredentials({
    stsConfig: {
      ...options.clientConfig,
      ...(options.serviceEndpoints?.sts ? { endpoint: options.serviceEndpoints.sts } : {}),
    },
    ...(options.assumableRoleArns ? { assumableRoleArns: options.assumableRoleArns } : {}),
  });

  const observe = <C extends SdkClient>(client: C, service: string, region: string, roleArn?: string): C => {
    for (const [i, observer] of (options.observers ?? []).entries()) {
      (client.middlewareStack as { add(mw: Middleware, opts: { step: 'initialize'; name: string }): void }).add(
        (next, context) => async (args) => {
          const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
          observer({ service, region, operation, ...(roleArn ? { roleArn } : {}) });
          return next(args);
        },
        // One name per observer: the stack refuses a second middleware with the same name.
        { step: 'initialize', name: `observe-${service}-${cache.size}-${i}` },
      );
    }
    return client;
  };

  const get = <C extends SdkClient>(
    service: string,
    region: string,
    access: SideAccess,
    make: () => C,
    variant = '',
  ): C => {
    const who = access.roleArn ? `${access.roleArn}|${access.externalId ?? ''}|${access.roleSessionName ?? ''}` : '';
    const key = `${variant}${service}|${region}|${who}`;
    let client = cache.get(key) as C | undefined;
    if (!client) {
      client = observe(make(), service, region, access.roleArn);
      cache.set(key, client);
      // Sessions are per setup; drop the oldest clients rather than keep every setup's for good.
      if (cache.size > MAX_HELD) cache.delete(cache.keys().next().value!);
    }
    return client;
  };

  const common = (service: AwsService, region: string, access: SideAccess = {}) => ({
    region,
    maxAttempts: options.maxAttempts ?? 3,
    ...options.clientConfig,
    ...(options.serviceEndpoints?.[service] ? { endpoint: options.serviceEndpoints[service] } : {}),
    ...(access.roleArn ? { credentials: roleCredentials(region, { ...access, roleArn: access.roleArn }) } : {}),
  });

  const probeTimeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  // throwOnRequestTimeout: without it the handler only logs a warning when requestTimeout passes.
  const requestHandler = {
    connectionTimeout: Math.min(MAX_CONNECT_MS, probeTimeoutMs),
    requestTimeout: probeTimeoutMs,
    throwOnRequestTimeout: true,
  };
  const silenceBound = { ...requestHandler, socketTimeout: Math.min(PROBE_SILENCE_MS, probeTimeoutMs) };
  const bounded = (service: AwsService, region: string, access?: SideAccess) => ({
    ...common(service, region, access),
    maxAttempts: 1,
    // Route 53's control plane keeps the whole bound: in upsert mode no answer fails the preflight,
    // so a slow answer must not read as none. A regional check with no answer is only skipped.
    requestHandler: service === 'route53' ? requestHandler : silenceBound,
  });

  const family = (config: typeof common, variant: string): ProbeClients => ({
    ec2: (region, access) => {
      const a = asAccess(access);
      return get(
        'ec2',
        region,
        a,
        () => {
          const client = new EC2Client(config('ec2', region, a));
          noBlindRetriesOfWrites(client);
          return client;
        },
        variant,
      );
    },
    rds: (region, access) => {
      const a = asAccess(access);
      return get('rds', region, a, () => new RDSClient(config('rds', region, a)), variant);
    },
    // Route 53 is global; its API lives in us-east-1.
    route53: (access) => {
      const a = asAccess(access);
      return get('route53', 'us-east-1', a, () => new Route53Client(config('route53', 'us-east-1', a)), variant);
    },
    autoScaling: (region) =>
      get('autoscaling', region, {}, () => new AutoScalingClient(config('autoscaling', region)), variant),
    ecs: (region) => get('ecs', region, {}, () => new ECSClient(config('ecs', region)), variant),
    cloudWatch: (region) =>
      get('cloudwatch', region, {}, () => new CloudWatchClient(config('cloudwatch', region)), variant),
  });

  return {
    ...family(common, ''),
    serviceQuotas: (region, access) => {
      const a = asAccess(access);
      return get('servicequotas', region, a, () => new ServiceQuotasClient(common('servicequotas', region, a)));
    },
    routingControl: ({ region, endpoint }) =>
      get(
        'route53-recovery-cluster',
        region,
        {},
        // The cluster's own endpoint, never the emulator's: it comes from the request.
        () =>
          new Route53RecoveryClusterClient({
            region,
            ...options.clientConfig,
            maxAttempts: 1,
            requestHandler,
            endpoint,
          }),
        `${endpoint}|`,
      ),
    sns: (region) => get('sns', region, {}, () => new SNSClient(common('sns', region))),
    probe: family(bounded, 'probe|'),
    probeTimeoutMs,
    costExplorer: () => get('ce', 'us-east-1', {}, () => new CostExplorerClient(common('ce', 'us-east-1'))),
    pricing: () =>
      get(
        'pricing',
        'us-east-1',
        {},
        () => new PricingClient({ ...common('pricing', 'us-east-1'), requestHandler: PRICING_TIMEOUTS }),
      ),
    logs: (region, access) => {
      const a = asAccess(access);
      return get('logs', region, a, () => new CloudWatchLogsClient(common('logs', region, a)));
    },
  };
}
