/**
 * Where the worker's memory goes, measured before anything was changed for it and again in every
 * run: the workflow bundle (its size, and how much of it is the validation library), and the
 * worker's resident memory with 50 setups at once for two builds of the same code, the project's
 * (lib/workflow-bundle.js, src/workflow-bundle.ts's options) and one bundled with the SDK's
 * defaults, where every cached workflow evaluates its own copy of zod and of the schemas.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Client } from '@temporalio/client';
import { CONCURRENCY, ROOT, log } from './config';
import type { BenchKit } from './kit';
import { LOG_DIR, sampleRss, startWorkerProcess, type RssSample } from './servers';

export interface BundleComposition {
  file: string;
  /** The bundle's code, without its inline source map. */
  codeKb: number;
  sourceMapKb: number;
  /** Code per package (project modules by folder), largest first. */
  byPackageKb: Record<string, number>;
}

const kb = (n: number) => Math.round(n / 1024);

/** Splits the webpack bundle at its module markers and adds each module's code to its package. */
export function bundleComposition(file: string): BundleComposition {
  const text = fs.readFileSync(file, 'utf8');
  const mapAt = text.lastIndexOf('//# sourceMappingURL=');
  const code = mapAt > 0 ? text.slice(0, mapAt) : text;
  const marks = [...code.matchAll(/\n\/\*\*\*\/ "([^"]+)"\n/g)].map((m) => ({ at: m.index, id: m[1]! }));
  const sizes: Record<string, number> = {};
  marks.forEach(({ at, id }, i) => {
    const end = marks[i + 1]?.at ?? code.length;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id)?.[1] ?? id.split('/').slice(0, 3).join('/');
    sizes[pkg] = (sizes[pkg] ?? 0) + end - at;
  });
  const byPackageKb = Object.fromEntries(
    Object.entries(sizes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, kb(v)]),
  );
  return {
    file: path.relative(ROOT, file),
    codeKb: kb(code.length),
    sourceMapKb: kb(text.length - code.length),
    byPackageKb,
  };
}

/** lib/src beside a bundle made with the SDK's defaults only (no preloaded modules, full source map). */
export async function sdkDefaultsBuild(): Promise<{ entry: string; bundle: string }> {
  const dir = path.join(LOG_DIR, `bench-${process.pid}-sdk-defaults`, 'lib');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'lib', 'src'), path.join(dir, 'src'), { recursive: true });
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(ROOT, 'src', 'workflows') });
  const bundle = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundle, code);
  return { entry: path.join(dir, 'src', 'worker.js'), bundle };
}

export interface MemoryAB {
  /** RSS once warmed up, before the burst. */
  readyMb: number;
  rss: RssSample;
  seconds: number;
  failed: number;
}

/** The worker built with the SDK's defaults, through the same burst as (c), for comparison. */
export async function burstWithSdkDefaults(o: {
  kit: BenchKit;
  client: Client;
  temporalAddress: string;
  motoUrl: string;
}): Promise<MemoryAB & { composition: BundleComposition }> {
  const build = await sdkDefaultsBuild();
  const worker = await startWorkerProcess({
    temporalAddress: o.temporalAddress,
    motoUrl: o.motoUrl,
    taskQueue: `bench-sdk-defaults-${process.pid}`,
    name: 'worker-sdk-defaults',
    entry: build.entry,
  });
  try {
    await o.kit.fresh();
    await o.kit.setup(`bench-sdk-defaults-warm-${process.pid}`, worker.taskQueue);
    await o.kit.fresh();
    log(`(f) again with the SDK's default bundle (${CONCURRENCY} at once, worker pid ${worker.pid})`);
    const window = sampleRss(worker.pid);
    const result = await o.kit.setupBurst(o.client, worker.taskQueue, 'bench-sdk-defaults', []);
    const rss = window.stop();
    return {
      readyMb: rss.startMb,
      rss,
      seconds: result.seconds,
      failed: result.failed,
      composition: bundleComposition(build.bundle),
    };
  } finally {
    await worker.stop();
  }
}
