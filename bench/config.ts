/**
 * The bench's settings. BENCH_RUNS (default 10) and BENCH_CONCURRENCY (default 50) shrink it for a
 * quick look; the targets are judged on the defaults.
 */
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const RUNS = Number(process.env.BENCH_RUNS ?? 10);
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
export const REQUEST_FILE = path.join(ROOT, 'examples', 'abc-corp.json');
export const RESULTS_FILE = path.join(ROOT, 'bench', 'results.json');
export const RUN_TIMEOUT_MS = 180_000;

export const log = (msg: string) => console.log(`· ${msg}`);
