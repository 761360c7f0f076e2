import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
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
}

export type AwsService = 'ec2' | 'rds' | 'route53' | 'servicequotas';

export interface AwsClientOptions {
  /** @default 3, the SDK's own default; Temporal's retry policy adds more on top. */
  maxAttempts?: number;
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

  const get = <C extends SdkClient>(service: string, region: string, roleArn: string | undefined, make: () => C): C => {
    const key = `${service}|${region}|${roleArn ?? ''}`;
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

  return {
    ec2: (region, roleArn) =>
      get('ec2', region, roleArn, () => {
        const client = new EC2Client(common('ec2', region, roleArn));
        noBlindRetriesOfWrites(client);
        return client;
      }),
    rds: (region, roleArn) => get('rds', region, roleArn, () => new RDSClient(common('rds', region, roleArn))),
    // Route 53 is global; its API lives in us-east-1.
    route53: (roleArn) =>
      get('route53', 'us-east-1', roleArn, () => new Route53Client(common('route53', 'us-east-1', roleArn))),
    serviceQuotas: (region, roleArn) =>
      get('servicequotas', region, roleArn, () => new ServiceQuotasClient(common('servicequotas', region, roleArn))),
  };
}
