/**
 * The AWS-faithful layer as a server of its own (the fault proxy's CLI with `--faithful`), in its
 * own process group like moto, so that a busy test process never stalls what the code under test
 * takes for AWS. Jest's global setup starts it in front of the run's moto. A test that wants faults
 * of its own starts its own proxy on moto with the same layer (startSuiteFaultProxy).
 */
import * as path from 'node:path';
import { testEnv } from '../env';
import { suiteFaithfulOptions, type FaithfulOptions } from '../../../harness/faithful/options';
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from '../../../harness/fault-proxy';
import { ManagedServer, startAndWait, type ManagedProcess } from '../../../harness/managed-server';
import { ROOT } from '../../../harness/root';
import { freePort, httpOk } from '../../../harness/wait';

export interface FaithfulLayer extends ManagedProcess {
  readonly url: string;
  readonly port: number;
}

export interface FaithfulLayerOptions {
  motoUrl: string;
  options: FaithfulOptions;
  logFile: string;
  seed?: number;
  /** @default a free port */
  port?: number;
}

export function faithfulLayerArgs(o: FaithfulLayerOptions & { port: number }): string[] {
  const range = (r: readonly [number, number]) => `${r[0]}-${r[1]}`;
  return [
    '-r',
    require.resolve('ts-node/register/transpile-only'),
    path.join(ROOT, 'harness', 'fault-proxy', 'cli.ts'),
    '--target',
    o.motoUrl,
    '--port',
    String(o.port),
    '--seed',
    String(o.seed ?? 1),
    '--faithful',
    '--lag',
    range(o.options.lagSeconds),
    '--write-lag',
    range(o.options.writeLagSeconds),
    '--page-size',
    String(o.options.pageSize),
    '--purge-after',
    String(o.options.purgeAfterSeconds),
  ];
}

export function faithfulLayerHandle(pid: number, o: FaithfulLayerOptions & { port: number }): FaithfulLayer {
  const url = `http://127.0.0.1:${o.port}`;
  const start = () =>
    startAndWait(
      `AWS-faithful layer on ${url}`,
      process.execPath,
      faithfulLayerArgs(o),
      o.logFile,
      () => httpOk(`${url}/__faults/stats`),
      60_000,
    );
  return Object.assign(new ManagedServer(pid, o.logFile, start, [o.port]), { url, port: o.port });
}

export async function startFaithfulLayer(o: FaithfulLayerOptions): Promise<FaithfulLayer> {
  const layer = faithfulLayerHandle(0, { ...o, port: o.port ?? (await freePort()) });
  await layer.restart(); // no live process yet, so this just starts it
  return layer;
}

/**
 * A fault proxy of a test's own in front of the run's moto, which is also the AWS-faithful layer
 * with the suite's settings (unless the run asks for raw moto): one hop, so that the code under
 * test meets the test's faults and AWS's behaviours once each.
 */
export function startSuiteFaultProxy(
  options: Omit<FaultProxyOptions, 'target' | 'faithful'> = {},
): Promise<FaultProxy> {
  const faithful = suiteFaithfulOptions();
  return startFaultProxy({ ...options, target: testEnv().motoUrl, ...(faithful ? { faithful } : {}) });
}
