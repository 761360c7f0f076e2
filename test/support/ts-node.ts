/**
 * How the tests run a TypeScript entry point (src/client.ts, src/worker.ts) as its own process:
 * node with ts-node's binary directly, not through npx (about 1.5 s of npx's own start at every
 * call), and in ts-node's swc mode, which transpiles file by file as --transpile-only does, without
 * type checks (the suite's typecheck step does those) but about 4 times faster than TypeScript's
 * transpiler. @swc/core is a declared dev dependency (@temporalio/worker bundles workflow code with it too).
 */
import { ROOT } from '../../harness/stack';

const TS_NODE_BIN = require.resolve('ts-node/dist/bin.js', { paths: [ROOT] });

/** The command and its arguments that run `entry` (a path relative to the checkout, such as src/client.ts). */
export function tsNodeCommand(entry: string, args: string[] = []): [string, string[]] {
  return [process.execPath, [TS_NODE_BIN, '--swc', entry, ...args]];
}

/** The same as one line for a shell, every part single-quoted. */
export function tsNodeShellLine(entry: string, args: string[] = []): string {
  const [command, rest] = tsNodeCommand(entry, args);
  return [command, ...rest].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
}
