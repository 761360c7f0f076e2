import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { DEFAULT_ASSUMABLE_ROLE_ARNS, isRoleArnPattern } from './domain/aws/access';
import { durationMs } from './domain/failover/validate';

export const DEFAULT_TASK_QUEUE = 'vpc-peering';

export interface TemporalSettings {
  connectionOptions: NativeConnectionOptions;
  namespace: string;
  taskQueue: string;
}

/**
 * Connection settings from @temporalio/envconfig: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY, the TLS variables and TOML profiles work for the worker and client alike.
 */
export function loadTemporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const { connectionOptions, namespace } = loadClientConnectConfig({
    ...(env.TEMPORAL_PROFILE ? { profile: env.TEMPORAL_PROFILE } : {}),
  });
  return {
    connectionOptions: { address: 'localhost:7233', ...connectionOptions },
    namespace: namespace ?? 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE,
  };
}

export interface WorkerSettings {
  /** How long SIGTERM lets activities in flight finish before cancelling them. */
  shutdownGraceMs: number;
  /** Overrides of the eventual-consistency windows, in seconds. */
  consistency: { notFoundSeconds?: number; tagLagSeconds?: number };
  /** Patterns of the side roles the worker may assume; empty: none, every call uses its own credentials. */
  assumableRoleArns: readonly string[];
}

const DEFAULT_SHUTDOWN_GRACE = '60 seconds';

function seconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of seconds, not "${text}"`);
  return value;
}

/**
 * ASSUMABLE_ROLE_ARNS: role ARN patterns, comma-separated, `*` and `?` as in IAM; unset or empty,
 * the roles the worker policy allows; `none`, no role at all.
 */
function assumableRoleArns(env: NodeJS.ProcessEnv): readonly string[] {
  const text = env.ASSUMABLE_ROLE_ARNS?.trim();
  if (!text) return DEFAULT_ASSUMABLE_ROLE_ARNS;
  if (text === 'none') return [];
  const patterns = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const bad = patterns.find((p) => !isRoleArnPattern(p));
  if (bad !== undefined) {
    throw new Error(
      `ASSUMABLE_ROLE_ARNS must be IAM role ARN patterns separated by commas (such as arn:aws:iam::111122223333:role/vpc-peering-*), or "none"; "${bad}" is not one`,
    );
  }
  return patterns;
}

/**
 * The worker's own settings: WORKER_SHUTDOWN_GRACE (a duration such as "60s", default 60 seconds),
 * CONSISTENCY_NOT_FOUND_SECONDS, CONSISTENCY_TAG_LAG_SECONDS and ASSUMABLE_ROLE_ARNS.
 */
export function loadWorkerSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const grace = env.WORKER_SHUTDOWN_GRACE || DEFAULT_SHUTDOWN_GRACE;
  const shutdownGraceMs = durationMs(grace);
  if (shutdownGraceMs === undefined || shutdownGraceMs < 0) {
    throw new Error(`WORKER_SHUTDOWN_GRACE must be a duration such as "60s", not "${grace}"`);
  }
  const notFoundSeconds = seconds(env, 'CONSISTENCY_NOT_FOUND_SECONDS');
  const tagLagSeconds = seconds(env, 'CONSISTENCY_TAG_LAG_SECONDS');
  return {
    shutdownGraceMs,
    consistency: {
      ...(notFoundSeconds === undefined ? {} : { notFoundSeconds }),
      ...(tagLagSeconds === undefined ? {} : { tagLagSeconds }),
    },
    assumableRoleArns: assumableRoleArns(env),
  };
}

/*
 * Where the worker runs, against the region a failover moves away from. A runbook's worker in the
 * primary region fails with it, exactly when the failover is needed (README, "Where to run the
 * runbook"). The worker cannot see a failover's `from` before one is asked for, so the operator
 * names it: PRIMARY_REGION, the region (or regions, comma-separated) that failovers leave.
 */

/** The worker's own region, as the SDK reads it. */
export function workerRegion(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined;
}

/** The warning to print at start, when the worker's region is one PRIMARY_REGION names; else undefined. */
export function primaryRegionWarning(env: NodeJS.ProcessEnv): string | undefined {
  const primaries = (env.PRIMARY_REGION ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const own = workerRegion(env);
  if (!own || !primaries.includes(own)) return undefined;
  return (
    `Warning: this worker runs in the primary region (AWS_REGION ${own}, PRIMARY_REGION ${primaries.join(', ')}). ` +
    `A failover away from ${own} needs a worker that is still up when ${own} is not: run the runbook's ` +
    `worker (and its Temporal) outside it, in the DR region or on Temporal Cloud with a multi-region ` +
    `namespace (README, "Where to run the runbook"; deploy/worker-dr-region.env.example).`
  );
}
