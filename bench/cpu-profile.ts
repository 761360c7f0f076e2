/**
 * Where the worker's CPU goes during N setups at once: the production worker process (lib/, as
 * `npm run bench` runs it) under `--cpu-prof`, its CPU seconds over the burst from /proc, and the
 * profiles (one per thread: the main thread runs the activities and the SDK, the workflow thread
 * the workflow tasks) summarized by where the time was spent.
 *
 *   npx ts-node --transpile-only bench/cpu-profile.ts [N]     (BENCH_BUILD=0 reuses lib/ as it is)
 *
 * The profiles stay in .data/logs/cpu-profile-<pid>/ for Chrome DevTools. With BENCH_AB=<rounds>
 * it profiles nothing and instead alternates bursts on the project's build and on the same code
 * bundled with the SDK's defaults (every module evaluated per workflow, as before src/domain was
 * shared), so that both see the same load: the worker's CPU seconds per setup for each.
 */
import { Client, Connection } from '@temporalio/client';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PeeringRequest } from '../src/domain/peering/types';
import { cpuDuring } from './burst';
import { REQUEST_FILE, log } from './config';
import { benchKit } from './kit';
import { sdkDefaultsBuild } from './memory';
import { LOG_DIR, buildWorker, cpuSeconds, sampleRss, startBenchServers, startWorkerProcess } from './servers';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code comes from: a package, a project folder, the workflow bundle, or V8/Node itself. */
export function place(url: string): string {
  if (!url) return '(native: V8, GC, the core bridge)';
  if (url.startsWith('node:')) return 'node';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.includes('workflow-bundle')) return 'workflow bundle';
  const project = /\/(src|lib\/src)\/([^/]+)/.exec(url);
  return project ? `src/${project[2]}` : url;
}

export interface ProfileSummary {
  file: string;
  seconds: number;
  byPlace: Array<[string, number]>;
  topFunctions: Array<[string, number]>;
}

/** Self time per place and per function, in seconds (samples × their intervals). */
export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') {
      byPlace.set(frame.functionName, (byPlace.get(frame.functionName) ?? 0) + us);
      continue;
    }
    const where = frame.functionName === '(garbage collector)' ? '(garbage collector)' : place(frame.url);
    byPlace.set(where, (byPlace.get(where) ?? 0) + us);
    const fn = `${frame.functionName || '(anonymous)'} ${path.basename(frame.url)}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const seconds = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([k, us]) => [k, Math.round(us / 10_000) / 100] as [string, number]);
  return {
    file,
    seconds: Math.round((profile.endTime - profile.startTime) / 10_000) / 100,
    byPlace: seconds(byPlace),
    topFunctions: seconds(byFunction).slice(0, top),
  };
}

/** The worker's CPU seconds per setup and its RSS over a burst of `n`, on a fresh worker process of `entry`. */
async function cpuPerSetup(
  o: { temporalAddress: string; motoUrl: string; client: Client; request: PeeringRequest; n: number },
  name: string,
  entry?: string,
): Promise<{ cpuPerSetup: number; peakRssMb: number; readyRssMb: number }> {
  const worker = await startWorkerProcess({
    temporalAddress: o.temporalAddress,
    motoUrl: o.motoUrl,
    taskQueue: `bench-${name}-${process.pid}`,
    name,
    ...(entry ? { entry } : {}),
  });
  try {
    const kit = benchKit({ request: o.request, motoUrl: o.motoUrl, client: o.client, teardownQueue: worker.taskQueue });
    await kit.fresh();
    for (let i = 0; i < 3; i++) await kit.setup(`bench-${name}-warm-${process.pid}-${i}`, worker.taskQueue);
    await kit.fresh();
    const before = cpuSeconds(worker.pid);
    const rss = sampleRss(worker.pid);
    const burst = await kit.setupBurst(o.client, worker.taskQueue, `bench-${name}`, []);
    const peak = rss.stop();
    if (burst.failed) throw new Error(`${burst.failed} setups failed: ${burst.errors[0]}`);
    return { cpuPerSetup: (cpuSeconds(worker.pid) - before) / o.n, peakRssMb: peak.peakMb, readyRssMb: peak.startMb };
  } finally {
    await worker.stop();
  }
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 50);
  const rounds = Number(process.env.BENCH_AB ?? 0);
  const request = JSON.parse(fs.readFileSync(REQUEST_FILE, 'utf8')) as PeeringRequest;
  const dir = path.join(LOG_DIR, `cpu-profile-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  const [servers] = await Promise.all([
    startBenchServers(),
    process.env.BENCH_BUILD === '0' ? Promise.resolve() : buildWorker(),
  ]);
  const connection = await Connection.connect({ address: servers.temporal.address });
  const client = new Client({ connection });
  try {
    if (rounds) {
      const defaults = await sdkDefaultsBuild();
      const o = { temporalAddress: servers.temporal.address, motoUrl: servers.moto.url, client, request, n };
      for (let r = 0; r < rounds; r++) {
        const project = await cpuPerSetup(o, `ab-project-${r}`);
        const sdk = await cpuPerSetup(o, `ab-sdk-defaults-${r}`, defaults.entry);
        const line = (x: Awaited<ReturnType<typeof cpuPerSetup>>) =>
          `${x.cpuPerSetup.toFixed(3)} CPU-s per setup, RSS ${x.readyRssMb} → ${x.peakRssMb} MB`;
        console.log(`round ${r + 1}: project ${line(project)}; SDK defaults ${line(sdk)}`);
      }
      return;
    }
    const worker = await startWorkerProcess({
      temporalAddress: servers.temporal.address,
      motoUrl: servers.moto.url,
      taskQueue: `bench-cpu-${process.pid}`,
      name: 'worker-cpu',
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    });
    const kit = benchKit({ request, motoUrl: servers.moto.url, client, teardownQueue: worker.taskQueue });
    await kit.fresh();
    for (let i = 0; i < 3; i++) await kit.setup(`bench-cpu-warm-${process.pid}-${i}`, worker.taskQueue);
    await kit.fresh();
    const before = cpuSeconds(worker.pid);
    log(`${n} setups at once on worker ${worker.pid} (--cpu-prof)`);
    const burst = await cpuDuring({ worker: worker.pid, moto: servers.moto.pid, temporal: servers.temporal.pid }, () =>
      kit.setupBurst(client, worker.taskQueue, 'bench-cpu', []),
    );
    const workerCpu = cpuSeconds(worker.pid) - before;
    await worker.stop();
    console.log(
      `${burst.count - burst.failed}/${burst.count} setups in ${burst.seconds.toFixed(1)} s; CPU seconds ${JSON.stringify(burst.cpuSeconds)}; worker ${(workerCpu / n).toFixed(3)} CPU-s per setup`,
    );
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
      const s = summarizeProfile(path.join(dir, file));
      console.log(`\n${file}: ${s.seconds} s profiled`);
      console.log(`  by place: ${s.byPlace.map(([k, v]) => `${k} ${v}`).join(', ')}`);
      console.log(`  top functions (self): ${s.topFunctions.map(([k, v]) => `${k} ${v}`).join('; ')}`);
    }
  } finally {
    await connection.close();
    await servers.stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
