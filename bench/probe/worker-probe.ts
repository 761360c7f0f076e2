/**
 * A probe the bench loads into the worker process (`node --require <this, compiled> lib/src/worker.js`)
 * to read what the process cannot tell from outside: how many workflows the worker holds in its
 * cache, and the heap of the workflow thread (the SDK's second V8 isolate, where the cached
 * workflows live). The bench asks over the child's IPC channel.
 *
 * It wraps `worker_threads.Worker` so that each thread the SDK starts first installs a listener on a
 * port of its own (never the SDK's parentPort), and `Worker.create` to keep the Temporal worker.
 * Self-contained (node builtins and @temporalio/worker only): the bench compiles this file alone.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as wt from 'node:worker_threads';

/** `status` collects the garbage first unless `gc: false` (for sampling during a burst). */
export type ProbeRequest =
  { id: number; kind: 'status'; gc?: boolean } | { id: number; kind: 'snapshot'; file: string };
/** A request before the asker numbers it. */
export type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface ThreadHeap {
  usedMb: number;
  totalMb: number;
  /** Memory V8 holds outside the heap: array buffers and external strings. */
  externalMb?: number;
}

export interface ProbeStatus {
  rssMb: number;
  /** The main thread's heap, after a full GC of it too unless `gc: false`. */
  mainHeapUsedMb: number;
  /** The same before that GC: the difference is garbage not yet collected. */
  mainHeapUsedBeforeGcMb?: number;
  mainHeapTotalMb: number;
  mainExternalMb: number;
  /** The worker's own count of workflows in its cache. */
  cachedWorkflows: number;
  /** Each workflow thread's heap after a full GC. */
  threads: ThreadHeap[];
}

type ThreadRequest = { id: number; kind: 'heap'; gc: boolean } | { id: number; kind: 'snapshot'; file: string };

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

/** A full GC without --expose-gc on the command line (NODE_OPTIONS does not take it on Node 20). */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Runs in each workflow thread before the SDK's own code. */
export function installThread(port: wt.MessagePort): void {
  const gc = collector();
  port.on('message', (req: ThreadRequest) => {
    if (req.kind !== 'heap' || req.gc) gc();
    if (req.kind === 'heap') {
      const s = v8.getHeapStatistics();
      const heap: ThreadHeap = {
        usedMb: mb(s.used_heap_size),
        totalMb: mb(s.total_heap_size),
        externalMb: mb(s.external_memory),
      };
      port.postMessage({ id: req.id, heap });
    } else {
      v8.writeHeapSnapshot(req.file);
      port.postMessage({ id: req.id, file: req.file });
    }
  });
  port.unref();
}

interface TemporalWorkerLike {
  getStatus(): { numCachedWorkflows: number };
}

function installMain(): void {
  const gcMain = collector();
  const ports: wt.MessagePort[] = [];
  const Original = wt.Worker;
  class ProbedWorker extends Original {
    constructor(filename: string | URL, options: wt.WorkerOptions = {}) {
      const { port1, port2 } = new wt.MessageChannel();
      const code =
        `require(${JSON.stringify(__filename)}).installThread(require('node:worker_threads').workerData.probe);` +
        `require(${JSON.stringify(String(filename))});`;
      super(code, { ...options, eval: true, workerData: { probe: port2 }, transferList: [port2] });
      port1.unref();
      ports.push(port1);
    }
  }
  // The module object itself (an `import *` namespace is a read-only copy of it).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('node:worker_threads') as { Worker: typeof wt.Worker }).Worker = ProbedWorker;

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const temporal = require('@temporalio/worker') as {
    Worker: { create(...args: unknown[]): Promise<TemporalWorkerLike> };
  };
  let worker: TemporalWorkerLike | undefined;
  const create = temporal.Worker.create.bind(temporal.Worker);
  temporal.Worker.create = async (...args: unknown[]) => (worker = await create(...args));

  let next = 0;
  const ask = <T>(port: wt.MessagePort, req: Unnumbered<ThreadRequest>): Promise<T> =>
    new Promise((resolve) => {
      const id = next++;
      const onMessage = (m: { id: number } & T) => {
        if (m.id !== id) return;
        port.off('message', onMessage);
        resolve(m);
      };
      port.on('message', onMessage);
      port.postMessage({ ...req, id });
    });

  process.on('message', (req: ProbeRequest) => {
    void (async () => {
      if (req.kind === 'snapshot') {
        const port = ports[0];
        if (port) await ask(port, { kind: 'snapshot', file: req.file });
        process.send?.({ id: req.id, file: port ? req.file : undefined });
        return;
      }
      const gc = req.gc !== false;
      const threads = await Promise.all(ports.map((p) => ask<{ heap: ThreadHeap }>(p, { kind: 'heap', gc })));
      // The main thread (the activities, the SDK's clients, the core bridge) is collected as well:
      // without it its heap and the RSS count whatever garbage the last activities left.
      const beforeGc = process.memoryUsage().heapUsed;
      if (gc) gcMain();
      const main = process.memoryUsage();
      const status: ProbeStatus = {
        rssMb: mb(main.rss),
        mainHeapUsedMb: mb(main.heapUsed),
        mainHeapTotalMb: mb(main.heapTotal),
        mainExternalMb: mb(main.external),
        ...(gc ? { mainHeapUsedBeforeGcMb: mb(beforeGc) } : {}),
        cachedWorkflows: worker?.getStatus().numCachedWorkflows ?? -1,
        threads: threads.map((t) => t.heap),
      };
      process.send?.({ id: req.id, status });
    })();
  });
  process.channel?.unref();
}

if (wt.isMainThread) installMain();
