/**
 * The real worker (`src/worker.ts`) as a separate process, configured only through the environment
 * an operator would set, with AWS aimed at this run's AWS (testEnv().awsUrl) through `AWS_ENDPOINT_URL`.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recordProcess, testEnv } from './env';
import { tsNodeCommand } from './ts-node';
import { ROOT, stopProcessGroup, waitFor } from '../../harness/stack';

export interface WorkerProcess {
  /** Process group id (node running ts-node). */
  pid: number;
  /** The worker's Temporal identity, as it appears in history events. */
  identity: string;
  logFile: string;
  stop(): Promise<void>;
}

export interface WorkerProcessOptions {
  taskQueue: string;
  /** Extra environment, e.g. METRICS_BIND_ADDRESS. */
  env?: Record<string, string>;
  /** @default 90_000: ts-node and the workflow bundle take a while on 2 cores */
  readyTimeoutMs?: number;
}

export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const env = testEnv();
  const logDir = path.join(ROOT, '.data', 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `jest-${env.ownerPid}-worker-${options.taskQueue}-${Date.now()}.log`);
  const fd = fs.openSync(logFile, 'a');
  const [command, args] = tsNodeCommand('src/worker.ts');
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', fd, fd],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TEMPORAL_ADDRESS: env.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: options.taskQueue,
      AWS_ENDPOINT_URL: env.awsUrl,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      ...(env.workflowBundle ? { WORKFLOW_BUNDLE: env.workflowBundle } : {}),
      ...options.env,
    },
  });
  fs.closeSync(fd);
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', reject);
  });
  child.unref();
  recordProcess(pid);
  const stop = () => stopProcessGroup(pid, { timeoutMs: 15_000 });
  let identity: string | undefined;
  try {
    await waitFor(
      () => {
        identity = /Worker ready: .*identity (\S+?)[,\s]/.exec(fs.readFileSync(logFile, 'utf8'))?.[1];
        return identity !== undefined;
      },
      {
        what: `worker process on ${options.taskQueue} (log ${logFile})`,
        timeoutMs: options.readyTimeoutMs ?? 90_000,
        intervalMs: 250,
        abortIf: () => exited,
      },
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- worker log ---\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
  }
  return { pid, identity: identity!, logFile, stop };
}
