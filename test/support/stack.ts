/**
 * Real local servers for tests: the Temporal CLI dev server and moto, each in its own process
 * group so that stopping one also stops anything it spawned.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The binary `scripts/ensure-tools.sh` builds. */
export const DEFAULT_TEMPORAL_BIN = path.join(ROOT, '.tools', 'bin', 'temporal');

/** Registered at dev-server start; the server cannot add them to a running namespace for us. */
export const SEARCH_ATTRIBUTES = [
  'PeeringConnectionId',
  'RequesterRegion',
  'AccepterRegion',
  'DrillOutcome',
  'SetupId',
] as const;

export interface StopOptions {
  /** `SIGKILL` simulates a crash. @default 'SIGTERM' */
  signal?: NodeJS.Signals;
  /** Escalate to SIGKILL after this long. @default 10_000 */
  timeoutMs?: number;
}

export interface ManagedProcess {
  /** Current pid; it changes on restart(). Also the process group id. */
  readonly pid: number;
  readonly logFile: string;
  stop(options?: StopOptions): Promise<void>;
  /** Stops the process if it still runs, then starts it again with the same arguments and ports. */
  restart(): Promise<void>;
}

export interface TemporalDevServer extends ManagedProcess {
  /** gRPC `host:port`. */
  readonly address: string;
  readonly uiUrl: string;
  readonly port: number;
  readonly uiPort: number;
  readonly dbFile: string;
  readonly bin: string;
}

export interface MotoServer extends ManagedProcess {
  readonly url: string;
  readonly port: number;
}

/** A port the OS just handed out; free unless someone else grabs it first. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('freePort: no port assigned'));
      });
    });
  });
}

export interface WaitForOptions {
  /** Used in the timeout error. */
  what: string;
  /** @default 30_000 */
  timeoutMs?: number;
  /** @default 250 */
  intervalMs?: number;
  /** Returns a reason to give up early, for example "the process exited". */
  abortIf?: () => string | undefined;
}

/** Polls `probe` until it returns true. Probe errors count as "not yet". */
export async function waitFor(probe: () => Promise<boolean> | boolean, options: WaitForOptions): Promise<void> {
  const { what, timeoutMs = 30_000, intervalMs = 250, abortIf } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    const abortReason = abortIf?.();
    if (abortReason) throw new Error(`${what}: ${abortReason}`);
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`${what}: not ready after ${timeoutMs} ms${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
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

/** Starts `command` in a new session (pgid == pid), output appended to `logFile`. */
async function spawnDetached(command: string, args: string[], logFile: string): Promise<Spawned> {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `=== ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  let exit: string | undefined;
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd] });
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
async function startAndWait(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const child = await spawnDetached(command, args, logFile);
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

async function waitForPortFree(port: number): Promise<void> {
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect({ port, host: '127.0.0.1' });
        socket.once('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(true));
      }),
    { what: `port ${port} to be released`, timeoutMs: 10_000, intervalMs: 100 },
  );
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.body?.cancel();
  return res.status === 200;
}

function execText(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs }, (err, stdout) =>
      err ? reject(new Error(err.message)) : resolve(stdout),
    );
  });
}

/** One server process group that can be stopped and started again with the same command line. */
class ManagedServer implements ManagedProcess {
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

export interface TemporalDevServerOptions {
  /** gRPC port. @default a free port */
  port?: number;
  /** Web UI port. @default a free port */
  uiPort?: number;
  /** SQLite file; restart() reuses it, so workflow state survives. @default a file in a new temp dir, which stop() leaves behind */
  dbFile?: string;
  /** @default `.tools/bin/temporal` */
  bin?: string;
  /** @default next to dbFile */
  logFile?: string;
  /** @default 60_000 */
  startTimeoutMs?: number;
  /** Called with the new pid whenever the server is (re)started. */
  onRestart?: (pid: number) => void;
}

export function temporalDevServerArgs(port: number, uiPort: number, dbFile: string): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    dbFile,
    '--namespace',
    'default',
    '--log-level',
    'warn',
    ...SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
  ];
}

/** Ready means the namespace answers with our search attributes and the UI serves pages. */
async function temporalReady(bin: string, address: string, uiUrl: string): Promise<boolean> {
  const out = await execText(
    bin,
    [
      'operator',
      'search-attribute',
      'list',
      '--address',
      address,
      '--namespace',
      'default',
      '--output',
      'json',
      '--disable-config-env',
      '--disable-config-file',
      '--command-timeout',
      '3s',
    ],
    5_000,
  );
  const custom = (JSON.parse(out) as { customAttributes?: Record<string, string> }).customAttributes ?? {};
  return SEARCH_ATTRIBUTES.every((name) => name in custom) && (await httpOk(`${uiUrl}/`));
}

/** Handle for a dev server that is (or was) running with these settings; used to re-attach from another process. */
export function temporalDevServerHandle(
  pid: number,
  settings: { port: number; uiPort: number; dbFile: string; bin: string; logFile: string; startTimeoutMs?: number },
  onRestart?: (pid: number) => void,
): TemporalDevServer {
  const { port, uiPort, dbFile, bin, logFile, startTimeoutMs = 60_000 } = settings;
  const address = `127.0.0.1:${port}`;
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  const start = () =>
    startAndWait(
      `Temporal dev server on ${address}`,
      bin,
      temporalDevServerArgs(port, uiPort, dbFile),
      logFile,
      () => temporalReady(bin, address, uiUrl),
      startTimeoutMs,
    );
  return Object.assign(new ManagedServer(pid, logFile, start, [port, uiPort], onRestart), {
    address,
    uiUrl,
    port,
    uiPort,
    dbFile,
    bin,
  });
}

export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const bin = options.bin ?? DEFAULT_TEMPORAL_BIN;
  if (!fs.existsSync(bin)) {
    throw new Error(`Temporal CLI not found at ${bin}; run: bash scripts/ensure-tools.sh`);
  }
  const port = options.port ?? (await freePort());
  const uiPort = options.uiPort ?? (await freePort());
  const dbFile = options.dbFile ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-dev-')), 'temporal.db');
  const logFile = options.logFile ?? path.join(path.dirname(dbFile), `temporal-${port}.log`);
  const settings = { port, uiPort, dbFile, bin, logFile, startTimeoutMs: options.startTimeoutMs };
  // restart() with no live process just starts it: one start path for start and restart.
  const server = temporalDevServerHandle(0, settings, options.onRestart);
  await server.restart();
  return server;
}

export interface MotoOptions {
  /** @default a free port */
  port?: number;
  /** @default $MOTO_SERVER, then .tools/moto-venv, then `moto_server` on PATH */
  bin?: string;
  /** @default a file in the OS temp dir */
  logFile?: string;
  /** @default 30_000 */
  startTimeoutMs?: number;
}

export function defaultMotoBin(): string {
  if (process.env.MOTO_SERVER) return process.env.MOTO_SERVER;
  const venv = path.join(ROOT, '.tools', 'moto-venv', 'bin', 'moto_server');
  if (fs.existsSync(venv)) return venv;
  const userBin = path.join(os.homedir(), '.local', 'bin', 'moto_server');
  const onPath = (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir && fs.existsSync(path.join(dir, 'moto_server')));
  return !onPath && fs.existsSync(userBin) ? userBin : 'moto_server';
}

export function motoHandle(
  pid: number,
  settings: { port: number; bin: string; logFile: string; startTimeoutMs?: number },
  onRestart?: (pid: number) => void,
): MotoServer {
  const { port, bin, logFile, startTimeoutMs = 30_000 } = settings;
  const url = `http://127.0.0.1:${port}`;
  const start = () =>
    startAndWait(
      `moto on ${url}`,
      bin,
      ['-H', '127.0.0.1', '-p', String(port)],
      logFile,
      () => httpOk(`${url}/moto-api/`),
      startTimeoutMs,
    );
  return Object.assign(new ManagedServer(pid, logFile, start, [port], onRestart), { url, port });
}

export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const port = options.port ?? (await freePort());
  const settings = {
    port,
    bin: options.bin ?? defaultMotoBin(),
    logFile: options.logFile ?? path.join(os.tmpdir(), `moto-${port}.log`),
    startTimeoutMs: options.startTimeoutMs,
  };
  const server = motoHandle(0, settings);
  await server.restart(); // no live process yet, so this just starts it
  return server;
}
