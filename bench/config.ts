/**
 * The bench's settings. BENCH_RUNS (default 10), BENCH_CONCURRENCY (default 50),
 * BENCH_TERRAFORM_RUNS (3), BENCH_REALISTIC_RUNS (5) and BENCH_FAILOVER_RUNS (2) shrink it for a quick
 * look; the targets are judged on the defaults.
 */
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const RUNS = Number(process.env.BENCH_RUNS ?? 10);
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
/** Rounds of our setup / re-run / teardown against terraform apply / no-change apply / destroy. */
export const TERRAFORM_RUNS = Number(process.env.BENCH_TERRAFORM_RUNS ?? 3);
/** Setups (and bare scripts) under the realistic AWS profile, per engine. */
export const REALISTIC_RUNS = Number(process.env.BENCH_REALISTIC_RUNS ?? 5);
/** Rounds of the failover bench (an unplanned failover and a failback, each also as a bare runbook). */
export const FAILOVER_RUNS = Number(process.env.BENCH_FAILOVER_RUNS ?? 2);
export const REQUEST_FILE = path.join(ROOT, 'examples', 'abc-corp.json');
export const RESULTS_FILE = path.join(ROOT, 'bench', 'results.json');
export const RUN_TIMEOUT_MS = 180_000;

export const log = (msg: string) => console.log(`· ${msg}`);
