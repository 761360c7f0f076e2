import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
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
 * The worker's own settings: WORKER_SHUTDOWN_GRACE (a duration such as "60s", default 60 seconds),
 * CONSISTENCY_NOT_FOUND_SECONDS and CONSISTENCY_TAG_LAG_SECONDS.
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
  };
}
