/**
 * How the workflow code is bundled, in one place for the prebuilt bundle (`npm run build:workflows`),
 * the worker when it bundles at start (under ts-node), the tests' workers and the replay test.
 *
 * - `preloadModules: ['zod']`: the validation library is evaluated once per worker thread and
 *   shared, frozen, by every workflow. Otherwise the SDK's reusable V8 context evaluates each
 *   workflow's own copy of every module it imports (zod is 452 KB of the bundle's 1.1 MB of code).
 *   src/domain cannot be shared the same way, though its schemas are most of a cached workflow's
 *   memory: zod 4 rewrites its schema objects on their first parse (the memoizer swaps `parse`,
 *   a regex check resets `lastIndex`), and a frozen, shared schema throws there. Measured in
 *   README "Performance".
 * - the inline source map keeps the mappings but not the sources: stack traces still name src/
 *   lines, and the bundle is 1.6 MB instead of 3.1 MB for every worker to load and parse.
 */
import type { BundleOptions } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type WorkflowBundleOptions = Required<Pick<BundleOptions, 'preloadModules' | 'webpackConfigHook'>>;

export function workflowBundleOptions(): WorkflowBundleOptions {
  return {
    preloadModules: ['zod'],
    webpackConfigHook: (config) => ({ ...config, devtool: 'inline-nosources-source-map' }),
  };
}

/**
 * The first compiled file under `dirs` that is newer than the prebuilt bundle at `codePath`, if any.
 * It walks the folders recursively: a capability folder's own modified time says nothing of a change
 * to a file inside it, and a flat walk would keep a stale bundle.
 */
export function newerSource(codePath: string, dirs: string[]): string | undefined {
  const built = fs.statSync(codePath).mtimeMs;
  return dirs
    .filter((dir) => fs.existsSync(dir))
    .flatMap((dir) => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)))
    .find((f) => {
      const stat = fs.statSync(f);
      return stat.isFile() && stat.mtimeMs > built;
    });
}
