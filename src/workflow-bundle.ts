/**
 * How the workflow code is bundled, in one place for the prebuilt bundle (`npm run build:workflows`),
 * the worker when it bundles at start (under ts-node), the tests' workers and the replay test.
 *
 * - `preloadModules`: src/workflows/shared-domain.ts, evaluated once per worker thread before any
 *   workflow, loads every module of src/domain (and through them zod) into the SDK's shared module
 *   cache. Otherwise the SDK's reusable V8 context evaluates, for each workflow it holds, its own
 *   copy of every module the workflow imports: zod and every schema of src/domain, about 340 zod
 *   schemas and 1.2 MB of heap per cached workflow. `preloadModules: ['zod']` alone did nothing:
 *   zod's package declares itself free of side effects, so webpack drops a `require('zod')` whose
 *   result is unused, and the preload function was empty. Sharing needs the domain frozen in a way
 *   zod survives; shared-domain.ts says how. Measured in README "Performance".
 * - The SDK's bundler lists folders through a readdir that keeps only .ts and .js files, so
 *   webpack's `require.context` cannot descend into src/domain's folders by itself: the context's
 *   files are listed here, with the real file system, and handed to webpack.
 * - the inline source map keeps the mappings but not the sources: stack traces still name src/
 *   lines, and the bundle is 1.6 MB instead of 3.1 MB for every worker to load and parse.
 */
import type { BundleOptions } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Compiler } from 'webpack';

/** Beside this file: src/workflows/shared-domain.ts, or lib/src/workflows/shared-domain.js. */
const SHARED_DOMAIN = path.join(__dirname, 'workflows', 'shared-domain');
const DOMAIN = path.join(__dirname, 'domain');

export type WorkflowBundleOptions = Required<Pick<BundleOptions, 'preloadModules' | 'webpackConfigHook'>>;

/** Every module under src/domain (or lib/src/domain), as `require.context` keys them: `./peering/validate.ts`. */
export function domainModules(dir = DOMAIN): Record<string, string> {
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.[jt]s$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => `./${f.split(path.sep).join('/')}`)
    .sort();
  return Object.fromEntries(files.map((f) => [f, f]));
}

export function workflowBundleOptions(): WorkflowBundleOptions {
  return {
    preloadModules: [SHARED_DOMAIN],
    webpackConfigHook: (config) => ({
      ...config,
      devtool: 'inline-nosources-source-map',
      plugins: [
        ...(config.plugins ?? []),
        {
          apply(compiler: Compiler) {
            const escaped = DOMAIN.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            new compiler.webpack.ContextReplacementPlugin(new RegExp(`^${escaped}$`), DOMAIN, domainModules()).apply(
              compiler,
            );
          },
        },
      ],
    }),
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
