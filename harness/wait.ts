/** Waiting for things to be ready: a condition, a port to be free, an HTTP 200. */
import * as net from 'node:net';

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

export async function waitForPortFree(port: number): Promise<void> {
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

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.body?.cancel();
  return res.status === 200;
}
