/**
 * A server started in its own process group (so stopping it also stops anything it spawned),
 * waited for until ready, and able to be stopped and started again on the same ports.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recordInTestRun, stopProcessGroup, type StopOptions } from './processes';
import { waitFor, waitForPortFree } from './wait';

export interface ManagedProcess {
  /** Current pid; it changes on restart(). Also the process group id. */
  readonly pid: number;
  readonly logFile: string;
  stop(options?: StopOptions): Promise<void>;
  /** Stops the process if it still runs, then starts it again with the same arguments and ports. */
  restart(): Promise<void>;
}

function logTail(logFile: string, lines = 30): string {
  try {
    const text = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

interface Spawned {
  pid: number;
  exitReason: () => string | undefined;
}

/**
 * Starts `command` in a new session (pgid == pid), output appended to `logFile`. `env` replaces the
 * environment (it stays out of the log, so it may carry a password).
 */
async function spawnDetached(
  command: string,
  args: string[],
  logFile: string,
  env?: NodeJS.ProcessEnv,
): Promise<Spawned> {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `=== ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  let exit: string | undefined;
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], ...(env ? { env } : {}) });
    child.unref();
    child.on('exit', (code, signal) => {
      exit = `exited with ${signal ?? `code ${code}`}`;
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid as number));
      child.once('error', (err) => reject(new Error(`cannot start ${command}: ${err.message}`)));
    });
    return { pid, exitReason: () => exit };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Spawns, waits for `ready`, and on failure kills the group and throws with the log tail.
 * Shared by every server so that start and restart behave the same.
 */
export async function startAndWait(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
  env?: NodeJS.ProcessEnv,
): Promise<number> {
  const child = await spawnDetached(command, args, logFile, env);
  recordInTestRun(child.pid);
  try {
    await waitFor(ready, { what: `${name} (pid ${child.pid})`, timeoutMs, abortIf: child.exitReason });
  } catch (err) {
    await stopProcessGroup(child.pid, { signal: 'SIGKILL' });
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${message}\n--- last 30 lines of ${logFile} ---\n${logTail(logFile)}`);
  }
  return child.pid;
}

/** One server process group that can be stopped and started again with the same command line. */
export class ManagedServer implements ManagedProcess {
  constructor(
    private currentPid: number,
    readonly logFile: string,
    private readonly start: () => Promise<number>,
    private readonly ports: number[],
    private readonly onRestart?: (pid: number) => void,
  ) {}

  get pid(): number {
    return this.currentPid;
  }

  async stop(options?: StopOptions): Promise<void> {
    await stopProcessGroup(this.currentPid, options);
  }

  async restart(): Promise<void> {
    await stopProcessGroup(this.currentPid);
    for (const port of this.ports) await waitForPortFree(port);
    this.currentPid = await this.start();
    this.onRestart?.(this.currentPid);
  }
}
