import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { PricingClient } from '@aws-sdk/client-pricing';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';

/** Sees every AWS operation: used for call counts (bench) and the IAM policy audit (tests). */
export type CommandObserver = (call: { service: string; region: string; operation: string }) => void;

/**
 * The only way activities reach AWS: one client per service, region and credential, built on first
 * use and then reused. Endpoints and credentials come from the SDK's own chain
 * (`AWS_ENDPOINT_URL`, profiles, instance roles), so nothing here knows about an emulator.
 */
export interface AwsClients {
  ec2(region: string, roleArn?: string): EC2Client;
  rds(region: string, roleArn?: string): RDSClient;
  route53(roleArn?: string): Route53Client;
  serviceQuotas(region: string, roleArn?: string): ServiceQuotasClient;
  /** Cost Explorer is global, served from us-east-1; every request is billed. */
  costExplorer(): CostExplorerClient;
  /** The Pricing API, through its us-east-1 endpoint. */
  pricing(): PricingClient;
  logs(region: string, roleArn?: string): CloudWatchLogsClient;
  autoScaling(region: string): AutoScalingClient;
  ecs(region: string): ECSClient;
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

export type ProbeClients = Pick<AwsClients, 'ec2' | 'rds' | 'route53' | 'autoScaling' | 'ecs'>;

export type AwsService =
  'ec2' | 'rds' | 'route53' | 'servicequotas' | 'autoscaling' | 'ecs' | 'ce' | 'pricing' | 'logs';

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

export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const cache = new Map<string, unknown>();
  const sts = new Map<string, STSClient>();

  const credentialsFor = (region: string, roleArn?: string) => {
    if (!roleArn) return undefined;
    let stsClient = sts.get(region);
    if (!stsClient) {
      stsClient = new STSClient({ region, ...options.clientConfig });
      sts.set(region, stsClient);
    }
    return fromTemporaryCredentials({
      params: { RoleArn: roleArn, RoleSessionName: 'vpc-peering-dr' },
      masterCredentials: stsClient.config.credentials,
      clientConfig: { region, ...(options.clientConfig?.endpoint ? { endpoint: options.clientConfig.endpoint } : {}) },
    });
  };

  const observe = <C extends SdkClient>(client: C, service: string, region: string): C => {
    for (const [i, observer] of (options.observers ?? []).entries()) {
      (client.middlewareStack as { add(mw: Middleware, opts: { step: 'initialize'; name: string }): void }).add(
        (next, context) => async (args) => {
          observer({ service, region, operation: (context.commandName ?? 'Unknown').replace(/Command$/, '') });
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
    roleArn: string | undefined,
    make: () => C,
    variant = '',
  ): C => {
    const key = `${variant}${service}|${region}|${roleArn ?? ''}`;
    let client = cache.get(key) as C | undefined;
    if (!client) {
      client = observe(make(), service, region);
      cache.set(key, client);
    }
    return client;
  };

  const common = (service: AwsService, region: string, roleArn?: string) => ({
    region,
    maxAttempts: options.maxAttempts ?? 3,
    ...options.clientConfig,
    ...(options.serviceEndpoints?.[service] ? { endpoint: options.serviceEndpoints[service] } : {}),
    ...(roleArn ? { credentials: credentialsFor(region, roleArn) } : {}),
  });

  const probeTimeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  // throwOnRequestTimeout: without it the handler only logs a warning when requestTimeout passes.
  const requestHandler = {
    connectionTimeout: Math.min(MAX_CONNECT_MS, probeTimeoutMs),
    requestTimeout: probeTimeoutMs,
    throwOnRequestTimeout: true,
  };
  const bounded = (service: AwsService, region: string, roleArn?: string) => ({
    ...common(service, region, roleArn),
    maxAttempts: 1,
    requestHandler,
  });

  const family = (config: typeof common, variant: string): ProbeClients => ({
    ec2: (region, roleArn) =>
      get(
        'ec2',
        region,
        roleArn,
        () => {
          const client = new EC2Client(config('ec2', region, roleArn));
          noBlindRetriesOfWrites(client);
          return client;
        },
        variant,
      ),
    rds: (region, roleArn) => get('rds', region, roleArn, () => new RDSClient(config('rds', region, roleArn)), variant),
    // Route 53 is global; its API lives in us-east-1.
    route53: (roleArn) =>
      get('route53', 'us-east-1', roleArn, () => new Route53Client(config('route53', 'us-east-1', roleArn)), variant),
    autoScaling: (region) =>
      get('autoscaling', region, undefined, () => new AutoScalingClient(config('autoscaling', region)), variant),
    ecs: (region) => get('ecs', region, undefined, () => new ECSClient(config('ecs', region)), variant),
  });

  return {
    ...family(common, ''),
    serviceQuotas: (region, roleArn) =>
      get('servicequotas', region, roleArn, () => new ServiceQuotasClient(common('servicequotas', region, roleArn))),
    routingControl: ({ region, endpoint }) =>
      get(
        'route53-recovery-cluster',
        region,
        undefined,
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
    probe: family(bounded, 'probe|'),
    probeTimeoutMs,
    costExplorer: () => get('ce', 'us-east-1', undefined, () => new CostExplorerClient(common('ce', 'us-east-1'))),
    pricing: () =>
      get(
        'pricing',
        'us-east-1',
        undefined,
        () => new PricingClient({ ...common('pricing', 'us-east-1'), requestHandler: PRICING_TIMEOUTS }),
      ),
    logs: (region, roleArn) =>
      get('logs', region, roleArn, () => new CloudWatchLogsClient(common('logs', region, roleArn))),
  };
}
