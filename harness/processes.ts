/**
 * Process groups of the servers and workers tests start: signalling and stopping a whole group,
 * recognising a pid for sure (its command line, its start time), and registering it with the run.
 */
import * as fs from 'node:fs';
import { waitFor } from './wait';

export interface StopOptions {
  /** `SIGKILL` simulates a crash. @default 'SIGTERM' */
  signal?: NodeJS.Signals;
  /** Escalate to SIGKILL after this long. @default 10_000 */
  timeoutMs?: number;
}

export function processGroupAlive(pgid: number): boolean {
  // kill(0 or -1) would address our own group or every process.
  if (pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    try {
      process.kill(pgid, signal);
    } catch {
      // already gone
    }
  }
}

/** TERM (or `signal`) to the whole group, then KILL if it is still there after `timeoutMs`. */
export async function stopProcessGroup(pgid: number, options: StopOptions = {}): Promise<void> {
  const { signal = 'SIGTERM', timeoutMs = 10_000 } = options;
  if (pgid <= 1 || !processGroupAlive(pgid)) return;
  signalGroup(pgid, signal);
  try {
    await waitFor(() => !processGroupAlive(pgid), {
      what: `process group ${pgid} to exit`,
      timeoutMs,
      intervalMs: 100,
    });
  } catch {
    signalGroup(pgid, 'SIGKILL');
    await waitFor(() => !processGroupAlive(pgid), {
      what: `process group ${pgid} to die after SIGKILL`,
      timeoutMs: 5_000,
      intervalMs: 100,
    });
  }
}

/** Synchronous best effort, for `exit` and signal handlers. */
export function killProcessGroupSync(pgid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (pgid > 1 && processGroupAlive(pgid)) signalGroup(pgid, signal);
}

/** True when `pid` runs a command line containing `pattern`; guards against reused pids. */
export function pidRuns(pid: number, pattern: string): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    return cmdline.includes(pattern);
  } catch {
    return false;
  }
}

export function cmdlineOf(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** Kernel start time of `pid` (clock ticks since boot): with the pid, it names one process for good. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may contain spaces, so count from its closing paren.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Adds a process group to the jest run's env file (TEST_ENV_FILE), so global teardown, the
 * run's signal handler and the next run's clean-up stop it even if a test never does.
 */
export function recordInTestRun(pid: number): void {
  const file = process.env.TEST_ENV_FILE;
  if (!file || !fs.existsSync(file)) return;
  const env = JSON.parse(fs.readFileSync(file, 'utf8')) as { extraProcesses?: unknown[] };
  const entry = { pid, startTime: processStartTime(pid) ?? '', cmdline: cmdlineOf(pid) ?? '' };
  env.extraProcesses = [...(env.extraProcesses ?? []), entry];
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(env, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}
