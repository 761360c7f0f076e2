import { ApplicationFailure } from '@temporalio/common';

/**
 * AWS error names the activities act on, kept in one place. EC2 errors have no modelled classes:
 * `err.name` is the EC2 error code.
 */
export const AwsErrors = {
  RouteAlreadyExists: 'RouteAlreadyExists',
  PermissionDuplicate: 'InvalidPermission.Duplicate',
  PermissionNotFound: 'InvalidPermission.NotFound',
  NaclEntryAlreadyExists: 'NetworkAclEntryAlreadyExists',
  GroupDuplicate: 'InvalidGroup.Duplicate',
  SubnetConflict: 'InvalidSubnet.Conflict',
  DependencyViolation: 'DependencyViolation',
  RequestLimitExceeded: 'RequestLimitExceeded',
  PeeringNotFound: 'InvalidVpcPeeringConnectionID.NotFound',
  InvalidStateTransition: 'InvalidStateTransition',
  NoSuchHostedZone: 'NoSuchHostedZone',
  InvalidChangeBatch: 'InvalidChangeBatch',
  DBInstanceNotFound: 'DBInstanceNotFoundFault',
  InvalidDBInstanceState: 'InvalidDBInstanceStateFault',
  EcsServiceNotFound: 'ServiceNotFoundException',
  EcsClusterNotFound: 'ClusterNotFoundException',
  ScalingActivityInProgress: 'ScalingActivityInProgressFault',
  ArcEndpointUnavailable: 'EndpointTemporarilyUnavailableException',
  ArcInternal: 'InternalServerException',
  ArcThrottling: 'ThrottlingException',
} as const;
/**
 * NotFound for a resource by id, which AWS answers for a while after it was created (eventual
 * consistency, worst in another region). A missing rule or route (`InvalidPermission.NotFound`,
 * `InvalidRoute.NotFound`) is an answer about the rule, not lag, and is not in this list.
 */
const JUST_CREATED_NOT_FOUND =
  /^Invalid(Group|VpcID|SubnetID|RouteTableID|NetworkAclID|VpcPeeringConnectionID|AllocationID)\.NotFound$/i;

export function isResourceNotFound(err: unknown): boolean {
  return JUST_CREATED_NOT_FOUND.test(errorName(err));
}

const RETRYABLE_NAMES = new Set<string>([
  AwsErrors.RequestLimitExceeded,
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  // Cost Explorer's throttling.
  'LimitExceededException',
  'PriorRequestNotComplete',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  AwsErrors.DependencyViolation,
  'IncorrectState',
  'InvalidChangeBatch.Throttled',
  AwsErrors.ScalingActivityInProgress,
  'ResourceContentionFault',
  AwsErrors.ArcEndpointUnavailable,
  AwsErrors.ArcInternal,
]);

/** What Node and the SDK's HTTP handler call a request that got no answer at all. */
const NO_ANSWER_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface AwsLikeError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

export function errorName(err: unknown): string {
  return (err as AwsLikeError | undefined)?.name ?? 'Error';
}

/** Case-insensitive because AWS says `…ID.NotFound` where moto says `…Id.NotFound`. */
export function isNamed(err: unknown, name: string): boolean {
  return errorName(err).toLowerCase() === name.toLowerCase();
}

export function isNotFound(err: unknown): boolean {
  return /\.NotFound$|^NoSuch|NotFound(Fault)?$/i.test(errorName(err));
}

/**
 * True when the request got no answer at all: refused, reset, timed out, or the name did not
 * resolve. Any HTTP answer, an error one included, means the service is up.
 */
export function isNoAnswer(err: unknown): boolean {
  const e = err as (AwsLikeError & { code?: string }) | undefined;
  if (!e || e.$metadata?.httpStatusCode !== undefined) return false;
  return e.name === 'TimeoutError' || NO_ANSWER_CODES.has(e.code ?? '') || /socket hang up/i.test(e.message ?? '');
}

/**
 * An ARC cluster endpoint that should be skipped for the next one, as AWS advises: no answer,
 * "try another cluster endpoint", throttling or a server fault. A client fault (access denied, an
 * unknown routing control, a safety rule) would be the same answer everywhere.
 */
export function isEndpointDown(err: unknown): boolean {
  if (isNoAnswer(err)) return true;
  const e = err as AwsLikeError;
  const named = [AwsErrors.ArcEndpointUnavailable, AwsErrors.ArcInternal, AwsErrors.ArcThrottling] as string[];
  return named.includes(e.name ?? '') || (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

function isRetryable(err: AwsLikeError): boolean {
  if (err.$retryable) return true;
  if (RETRYABLE_NAMES.has(err.name ?? '')) return true;
  const status = err.$metadata?.httpStatusCode;
  if (status === undefined) return true; // no answer at all: a network error, retry
  return status >= 500 || status === 429;
}

/**
 * The single conversion point from an AWS SDK error to a Temporal failure. The `type` is the AWS
 * error name, so workflows and the Web UI see `RouteAlreadyExists`, not `EC2ServiceException`.
 */
export function toApplicationFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (!(err instanceof Error)) return err;
  const aws = err as AwsLikeError & Error;
  if (
    aws.$metadata === undefined &&
    !/ECONNRESET|ECONNREFUSED|socket hang up|ETIMEDOUT|EPIPE|TimeoutError/i.test(`${aws.name} ${aws.message}`)
  ) {
    // Not from AWS and not a network fault: a bug or an unexpected shape; let Temporal retry it visibly.
    return err;
  }
  return ApplicationFailure.create({
    type: aws.name,
    message: aws.message,
    nonRetryable: !isRetryable(aws),
    cause: err,
  });
}

export function nonRetryable(type: string, message: string, details?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    ...(details === undefined ? {} : { details: [details] }),
  });
}

export function retryable(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: false });
}

/** The setup step a composite activity was in when it failed, carried in the failure's details. */
export interface StepDetail {
  step: string;
}

/**
 * Runs one step of a composite activity: heartbeats its name (shown as the pending activity's
 * details in the Web UI) and, on failure, names the step in a failure of the same type.
 */
export async function inStep<T>(step: string, fn: () => Promise<T>, heartbeat: (d: StepDetail) => void): Promise<T> {
  heartbeat({ step });
  try {
    return await fn();
  } catch (err) {
    const failure = toApplicationFailure(err);
    if (!(failure instanceof ApplicationFailure)) throw err;
    throw ApplicationFailure.create({
      type: failure.type ?? 'Error',
      message: failure.message,
      nonRetryable: Boolean(failure.nonRetryable),
      details: [{ step } satisfies StepDetail, ...(failure.details ?? [])],
      ...(failure.cause ? { cause: failure.cause } : {}),
    });
  }
}
