/** Many jobs at once: throughput, latency and what each process spent in CPU meanwhile. */
import { median } from './measure';
import { cpuSeconds } from './servers';

export interface Burst {
  count: number;
  failed: number;
  seconds: number;
  perSecond: number;
  latencyMs: { median: number; max: number };
  errors: string[];
}

/** Starts `count` jobs at once; throughput is completed jobs over the wall time of the whole burst. */
export async function burst(count: number, job: (i: number) => Promise<unknown>): Promise<Burst> {
  const started = performance.now();
  const latencies: number[] = [];
  const results = await Promise.allSettled(
    Array.from({ length: count }, async (_, i) => {
      await job(i);
      latencies.push(performance.now() - started);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const errors = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => String((r.reason as Error)?.message ?? r.reason));
  const ok = count - errors.length;
  return {
    count,
    failed: errors.length,
    seconds,
    perSecond: ok / seconds,
    latencyMs: { median: Math.round(median(latencies)), max: Math.round(Math.max(...latencies)) },
    errors,
  };
}

export type WithCpu<T> = T & { cpuSeconds: Record<string, number> };

/** CPU seconds each process used during `fn`: on 2 cores, who competes with moto. */
export async function cpuDuring<T>(pids: Record<string, number>, fn: () => Promise<T>): Promise<WithCpu<T>> {
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const out = await fn();
  return {
    ...out,
    cpuSeconds: Object.fromEntries(
      Object.entries(pids).map(([k, pid]) => [k, Math.round((cpuSeconds(pid) - before[k]!) * 100) / 100]),
    ),
  };
}
