/**
 * The bench's own servers: a Temporal dev server and moto on free ports (harness/stack.ts), the
 * cluster on PostgreSQL, and the production worker (src/worker.ts) as a separate process. That
 * process runs the tsc build in lib/ with the workflow bundle built ahead of time (`npm run build`),
 * as a deployment would:
 * under ts-node the TypeScript compiler sits in the worker's memory too, and bundling at start
 * leaves webpack's in it (measured once ready: 406 MB under ts-node, 226 MB for the build with the
 * prebuilt bundle, 196 MB with the Dockerfile's memory settings as well).
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ROOT,
  killProcessGroupSync,
  startMoto,
  startTemporalDevServer,
  stopProcessGroup,
  waitFor,
  type MotoServer,
  type TemporalDevServer,
} from '../harness/stack';
import { startTemporalCluster, type TemporalCluster } from '../harness/temporal-cluster';
import { compiledProbe, probeClient, type ProbeClient } from './probe/probe-client';

export const LOG_DIR = path.join(ROOT, '.data', 'logs');
const WORKER_ENTRY = path.join(ROOT, 'lib', 'src', 'worker.js');
/** The Dockerfile's V8 settings for the worker. */
export const WORKER_NODE_OPTIONS = '--max-semi-space-size=4';

export interface BenchServers {
  temporal: TemporalDevServer;
  moto: MotoServer;
  tmpDir: string;
  /** The dev server alone, so that it does not compete with the cluster for the CPUs. */
  stopTemporal(): Promise<void>;
  stop(): Promise<void>;
}

/** Process groups to kill if the bench dies before it stops them itself. */
const owned = new Set<number>();
let netInstalled = false;
function own(pid: number): void {
  owned.add(pid);
  if (netInstalled) return;
  netInstalled = true;
  const killAll = () => owned.forEach((p) => killProcessGroupSync(p));
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

async function stopOwned(pid: number): Promise<void> {
  await stopProcessGroup(pid);
  owned.delete(pid);
}

export async function startBenchServers(): Promise<BenchServers> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-peering-bench-'));
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const log = (name: string) => path.join(LOG_DIR, `bench-${process.pid}-${name}.log`);
  const [temporal, moto] = await Promise.all([
    startTemporalDevServer({ dbFile: path.join(tmpDir, 'temporal.db'), logFile: log('temporal') }),
    startMoto({ logFile: log('moto') }),
  ]);
  own(temporal.pid);
  own(moto.pid);
  return {
    temporal,
    moto,
    tmpDir,
    stopTemporal: () => stopOwned(temporal.pid),
    async stop() {
      await stopOwned(moto.pid);
      await stopOwned(temporal.pid);
      fs.rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}

/** The production engine: the Temporal server on PostgreSQL, three nodes (harness/temporal-cluster.ts). */
export async function startBenchCluster(): Promise<TemporalCluster> {
  const cluster = await startTemporalCluster({ nodes: 3 });
  for (const pid of [cluster.postgres.pid, ...cluster.nodes.map((n) => n.pid)]) own(pid);
  return cluster;
}

/** Wipes all of moto's state, so every measured run starts from the same empty account. */
export async function resetMoto(motoUrl: string): Promise<void> {
  const res = await fetch(`${motoUrl}/moto-api/reset`, { method: 'POST' });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`moto reset: HTTP ${res.status}`);
}

function run(file: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ROOT, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/**
 * `npm run build` as the Dockerfile runs it: src/ compiled to lib/ (tsconfig.build.json), then the
 * workflow code bundled into lib/workflow-bundle.js, after tsc so the worker does not find it older
 * than the compiled code. Type errors are reported, not fatal, as long as JS was emitted.
 */
export async function buildWorker(): Promise<{ ms: number; typeErrors: string }> {
  const started = Date.now();
  const before = fs.existsSync(WORKER_ENTRY) ? fs.statSync(WORKER_ENTRY).mtimeMs : 0;
  const { code, output } = await run(path.join(ROOT, 'node_modules', '.bin', 'tsc'), [
    '-p',
    path.join(ROOT, 'tsconfig.build.json'),
  ]);
  const after = fs.existsSync(WORKER_ENTRY) ? fs.statSync(WORKER_ENTRY).mtimeMs : 0;
  if (!after || after === before) throw new Error(`tsc did not emit ${WORKER_ENTRY} (exit ${code}):\n${output}`);
  const bundle = await run(path.join(ROOT, 'node_modules', '.bin', 'ts-node'), [
    '--transpile-only',
    path.join(ROOT, 'scripts', 'build-workflows.ts'),
  ]);
  if (bundle.code !== 0) throw new Error(`npm run build:workflows failed (exit ${bundle.code}):\n${bundle.output}`);
  return { ms: Date.now() - started, typeErrors: code === 0 ? '' : output.trim() };
}

export interface WorkerProcess {
  pid: number;
  taskQueue: string;
  logFile: string;
  /** The worker's "Worker ready" line: says whether it loaded the prebuilt workflow bundle. */
  readyLine: string;
  /** With `probe`: asks the probe inside the worker (bench/probe/worker-probe.ts). */
  probe?: ProbeClient;
  stop(): Promise<void>;
}

/** Runs `node lib/src/worker.js` configured only through the contract's environment variables. */
export async function startWorkerProcess(opts: {
  temporalAddress: string;
  /** Where its AWS calls go: moto, or the bench's proxy in front of it. */
  motoUrl: string;
  taskQueue: string;
  name?: string;
  /** The compiled worker to run. @default lib/src/worker.js (with lib/workflow-bundle.js) */
  entry?: string;
  /** Load the probe that reports the cache and the workflow thread's heap. */
  probe?: boolean;
  /** Node's own arguments for the process, e.g. --cpu-prof (which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
}): Promise<WorkerProcess> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(TEMPORAL_|AWS_)/.test(k)) env[k] = v;
  Object.assign(env, {
    TEMPORAL_ADDRESS: opts.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: opts.taskQueue,
    AWS_ENDPOINT_URL: opts.motoUrl,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    // The memory settings the Dockerfile gives the worker: fewer glibc malloc arenas for the
    // core's threads, and a smaller V8 young generation in both isolates (main and workflow thread).
    MALLOC_ARENA_MAX: '2',
    NODE_OPTIONS: [process.env.NODE_OPTIONS, WORKER_NODE_OPTIONS].filter(Boolean).join(' '),
  });
  const logFile = path.join(LOG_DIR, `bench-${process.pid}-${opts.name ?? 'worker'}.log`);
  const fd = fs.openSync(logFile, 'w');
  const args = [
    ...(opts.nodeArgs ?? []),
    ...(opts.probe ? ['--require', compiledProbe()] : []),
    opts.entry ?? WORKER_ENTRY,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    detached: true,
    stdio: opts.probe ? ['ignore', fd, fd, 'ipc'] : ['ignore', fd, fd],
    env,
  });
  fs.closeSync(fd);
  child.unref();
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `worker exited with ${signal ?? `code ${code}`}`;
  });
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', reject);
  });
  own(pid);
  await waitFor(() => fs.readFileSync(logFile, 'utf8').includes('Worker ready'), {
    what: `worker process ${pid} (log ${logFile})`,
    timeoutMs: 120_000,
    abortIf: () => exited,
  });
  const readyLine =
    fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .find((l) => l.includes('Worker ready')) ?? '';
  if (opts.probe) child.channel?.unref();
  return {
    pid,
    taskQueue: opts.taskQueue,
    logFile,
    readyLine,
    ...(opts.probe ? { probe: probeClient(child) } : {}),
    stop: () => stopOwned(pid),
  };
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Lines of the dev server's log where its store failed or timed out and it had to retry a task later. */
export function persistenceErrors(logFile: string): number {
  try {
    return fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) =>
        /Update workflow execution operation failed|Fail to process task|Persistent store operation failure/.test(l),
      ).length;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) a process has used so far, from /proc/<pid>/stat; clock ticks are 1/100 s on Linux. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface RssSample {
  /** VmRSS when the window opened. */
  startMb: number;
  /** Highest VmRSS seen by sampling every `intervalMs`. */
  sampledPeakMb: number;
  /** VmHWM after resetting it at the start: the kernel's exact peak over the window, when resettable. */
  hwmPeakMb?: number;
  peakMb: number;
  samples: number;
}

/**
 * Tracks a process's resident memory over a window. Writing 5 to /proc/<pid>/clear_refs resets
 * VmHWM, so the peak excludes the worker's start-up (bundling the workflow code).
 */
export function sampleRss(pid: number, intervalMs = 100): { stop(): RssSample } {
  let hwmReset = false;
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    hwmReset = true;
  } catch {
    // Not permitted here: the sampled peak alone is reported.
  }
  const startKb = statusKb(pid, 'VmRSS');
  let peakKb = startKb;
  let samples = 1;
  const timer = setInterval(() => {
    try {
      peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'));
      samples++;
    } catch {
      // The process is gone; stop() reports what was seen.
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
      const sampledPeakMb = mb(Math.max(peakKb, statusKb(pid, 'VmRSS')));
      const hwmPeakMb = hwmReset ? mb(statusKb(pid, 'VmHWM')) : undefined;
      return {
        startMb: mb(startKb),
        sampledPeakMb,
        ...(hwmPeakMb === undefined ? {} : { hwmPeakMb }),
        peakMb: Math.max(sampledPeakMb, hwmPeakMb ?? 0),
        samples,
      };
    },
  };
}
