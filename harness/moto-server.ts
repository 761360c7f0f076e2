/** moto's server (`moto_server`), the AWS the tests talk to. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManagedServer, startAndWait, type ManagedProcess } from './managed-server';
import { ROOT } from './root';
import { freePort, httpOk } from './wait';

export interface MotoServer extends ManagedProcess {
  readonly url: string;
  readonly port: number;
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
