/**
 * The project's real worker (`ts-node --transpile-only src/worker.ts`) as a separate process, so
 * that chaos can SIGKILL it mid-activity and start it again, exactly as a crashed host would.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, killProcessGroupSync, processGroupAlive, stopProcessGroup, waitFor } from '../stack';

export interface ChaosWorkerOptions {
  /** The worker's entry point. @default src/worker.ts */
  entry?: string;
  temporalAddress: string;
  taskQueue: string;
  /** Where the worker's AWS calls go: the fault proxy. */
  awsEndpoint: string;
  logFile: string;
  /** @default 120_000; bundling the workflow code takes a while on 2 cores */
  readyTimeoutMs?: number;
}

export interface ChaosWorker {
  readonly pid: number;
  readonly kills: number;
  /** Times the worker exited without being killed by us (for example Temporal was down at start). */
  readonly unexpectedExits: number;
  readonly starts: number;
  /** Starts the worker and resolves once it polls; restarts it by itself if it exits on its own. */
  start(): Promise<void>;
  /** SIGKILL to the worker's process group, then a fresh start. */
  killAndRestart(): Promise<void>;
  /** Stops it for good (SIGTERM, so in-flight activities may finish). */
  stop(): Promise<void>;
  /** Synchronous best effort, for exit handlers. */
  killSync(): void;
}

const READY_LINE = 'Worker ready';

/** Only what the worker needs: no TEMPORAL_* or AWS_* from the caller's shell leaks in. */
function workerEnv(o: ChaosWorkerOptions): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_') && !k.startsWith('AWS_')),
  );
  return {
    ...env,
    TEMPORAL_ADDRESS: o.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: o.taskQueue,
    AWS_ENDPOINT_URL: o.awsEndpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export function chaosWorker(options: ChaosWorkerOptions): ChaosWorker {
  const tsNode = require.resolve('ts-node/dist/bin.js');
  let pid = 0;
  let kills = 0;
  let unexpectedExits = 0;
  let starts = 0;
  let stopping = false;
  let expectedExit = 0;
  let exitWatch: NodeJS.Timeout | undefined;

  const spawnOnce = async (): Promise<void> => {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    const offset = fs.existsSync(options.logFile) ? fs.statSync(options.logFile).size : 0;
    const fd = fs.openSync(options.logFile, 'a');
    fs.writeSync(fd, `=== ${new Date().toISOString()} start #${starts + 1}\n`);
    let exited: string | undefined;
    try {
      const child = spawn(
        process.execPath,
        [tsNode, '--transpile-only', options.entry ?? path.join(ROOT, 'src', 'worker.ts')],
        {
          cwd: ROOT,
          detached: true,
          stdio: ['ignore', fd, fd],
          env: workerEnv(options),
        },
      );
      child.unref();
      child.on('exit', (code, signal) => {
        exited = `exited with ${signal ?? `code ${code}`}`;
      });
      pid = await new Promise<number>((resolve, reject) => {
        child.once('spawn', () => resolve(child.pid as number));
        child.once('error', reject);
      });
    } finally {
      fs.closeSync(fd);
    }
    starts++;
    const readLog = () => {
      const text = fs.readFileSync(options.logFile, 'utf8');
      return text.slice(offset);
    };
    await waitFor(() => readLog().includes(READY_LINE), {
      what: `worker pid ${pid}`,
      timeoutMs: options.readyTimeoutMs ?? 120_000,
      intervalMs: 200,
      abortIf: () => exited,
    });
  };

  /** Keeps a worker running: a worker that dies on its own (Temporal down at start) is started again. */
  const startSupervised = async (): Promise<void> => {
    for (;;) {
      try {
        await spawnOnce();
        break;
      } catch (err) {
        if (stopping) return;
        unexpectedExits++;
        await stopProcessGroup(pid, { signal: 'SIGKILL' });
        fs.appendFileSync(
          options.logFile,
          `=== chaos: worker did not become ready (${(err as Error).message.split('\n')[0]}); starting it again\n`,
        );
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
    const watched = pid;
    clearInterval(exitWatch);
    exitWatch = setInterval(() => {
      if (stopping || watched !== pid || expectedExit === watched || processGroupAlive(watched)) return;
      clearInterval(exitWatch);
      unexpectedExits++;
      fs.appendFileSync(options.logFile, `=== chaos: worker pid ${watched} exited by itself; starting it again\n`);
      void startSupervised();
    }, 500);
  };

  return {
    get pid() {
      return pid;
    },
    get kills() {
      return kills;
    },
    get unexpectedExits() {
      return unexpectedExits;
    },
    get starts() {
      return starts;
    },
    start: startSupervised,
    async killAndRestart() {
      expectedExit = pid;
      clearInterval(exitWatch);
      fs.appendFileSync(options.logFile, `=== chaos: SIGKILL worker pid ${pid}\n`);
      await stopProcessGroup(pid, { signal: 'SIGKILL' });
      kills++;
      await startSupervised();
    },
    async stop() {
      stopping = true;
      clearInterval(exitWatch);
      await stopProcessGroup(pid, { signal: 'SIGTERM', timeoutMs: 15_000 });
    },
    killSync() {
      stopping = true;
      clearInterval(exitWatch);
      killProcessGroupSync(pid, 'SIGKILL');
    },
  };
}
