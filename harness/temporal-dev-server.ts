/** The Temporal CLI dev server (`temporal server start-dev`) on its own ports and SQLite file. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManagedServer, startAndWait, type ManagedProcess } from './managed-server';
import { ROOT } from './root';
import { freePort, httpOk } from './wait';

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

export interface TemporalDevServer extends ManagedProcess {
  /** gRPC `host:port`. */
  readonly address: string;
  readonly uiUrl: string;
  readonly port: number;
  readonly uiPort: number;
  readonly dbFile: string;
  readonly bin: string;
}

function execText(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs }, (err, stdout) =>
      err ? reject(new Error(err.message)) : resolve(stdout),
    );
  });
}

export interface TemporalDevServerOptions {
  /** gRPC port. @default a free port */
  port?: number;
  /** Web UI port. @default a free port */
  uiPort?: number;
  /**
   * SQLite file; restart() reuses it, so workflow state survives.
   * @default a file in a new temp dir, which stop() leaves behind
   */
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
