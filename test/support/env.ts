/**
 * Where the servers of this jest run are. Jest's global setup writes one file per run (so that
 * concurrent runs in one checkout do not trample each other), points TEST_ENV_FILE at it and
 * copies it to .data/test-env.json; test files read it through testEnv().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ROOT,
  pidRuns,
  processStartTime,
  recordInTestRun,
  temporalDevServerHandle,
  type TemporalDevServer,
} from '../../harness/stack';

export interface RecordedProcess {
  pid: number;
  /** Kernel start time when recorded, so a reused pid is never killed. */
  startTime: string;
  /** For people reading the file. */
  cmdline: string;
}

export interface TestEnv {
  /** The jest process that owns these servers. */
  ownerPid: number;
  temporalAddress: string;
  temporalUiUrl: string;
  /** moto itself: for the tests' own GIVEN setup and THEN checks, never for the code under test. */
  motoUrl: string;
  /**
   * Where the code under test reaches AWS: the AWS-faithful layer in front of moto, or moto itself
   * when the run was started with TEST_RAW_MOTO=1.
   */
  awsUrl: string;
  temporalBin: string;
  /** null when TEST_TEMPORAL_ADDRESS pointed at a server this run did not start. */
  temporalPid: number | null;
  motoPid: number | null;
  /** The dev server's SQLite file; null for an external server. */
  dbFile: string | null;
  temporalPort: number | null;
  temporalUiPort: number | null;
  temporalLogFile: string | null;
  motoPort: number | null;
  motoBin: string | null;
  motoLogFile: string | null;
  /** The AWS-faithful layer's process; null for raw moto. */
  faithfulPid: number | null;
  faithfulLogFile: string | null;
  /** Removed by global teardown. */
  tmpDir: string | null;
  /**
   * The workflow code bundled once for the whole run (by global setup, with the worker's own
   * workflowBundleOptions()), which test workers and worker processes load instead of running
   * webpack each; absent: each worker bundles src/workflows itself.
   */
  workflowBundle?: string;
  /** Anything else tests started; global teardown stops these too. */
  extraProcesses: RecordedProcess[];
}

export const LATEST_TEST_ENV_FILE = path.join(ROOT, '.data', 'test-env.json');
export const TEST_RUNS_DIR = path.join(ROOT, '.data', 'test-runs');

export function testEnvFile(): string {
  return process.env.TEST_ENV_FILE ?? LATEST_TEST_ENV_FILE;
}

export function readTestEnv(file = testEnvFile()): TestEnv | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TestEnv;
}

export function writeTestEnv(env: TestEnv, file = testEnvFile()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(env, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/** The addresses of this run's Temporal server and moto. */
export function testEnv(): TestEnv {
  const env = readTestEnv();
  if (!env) {
    throw new Error(
      `${testEnvFile()} does not exist; it is written by jest's global setup (run the tests with jest / npm test)`,
    );
  }
  return env;
}

/** Pids in `env` that still run what was recorded (never a reused pid), extras first. */
export function recordedPids(env: TestEnv): number[] {
  return [
    ...env.extraProcesses.filter((p) => p.startTime && processStartTime(p.pid) === p.startTime).map((p) => p.pid),
    env.faithfulPid && pidRuns(env.faithfulPid, 'fault-proxy/cli') ? env.faithfulPid : undefined,
    env.motoPid !== null && pidRuns(env.motoPid, 'moto_server') ? env.motoPid : undefined,
    env.temporalPid !== null && pidRuns(env.temporalPid, 'start-dev') ? env.temporalPid : undefined,
  ].filter((pid): pid is number => pid !== undefined);
}

/**
 * Registers a process group a test started (a worker, say), so global teardown stops it even if
 * the test forgets. Servers from startTemporalDevServer / startMoto are registered already.
 */
export function recordProcess(pid: number): void {
  testEnv(); // fails clearly outside a jest run
  recordInTestRun(pid);
}

/**
 * The shared dev server of this run, for chaos tests: `stop({ signal: 'SIGKILL' })` then
 * `restart()` brings it back on the same ports with the same SQLite file.
 */
export function testTemporalServer(): TemporalDevServer {
  const env = testEnv();
  if (env.temporalPid === null || env.dbFile === null || env.temporalPort === null || env.temporalUiPort === null) {
    throw new Error(
      'this run uses an external Temporal server (TEST_TEMPORAL_ADDRESS); it cannot be restarted from a test',
    );
  }
  return temporalDevServerHandle(
    env.temporalPid,
    {
      port: env.temporalPort,
      uiPort: env.temporalUiPort,
      dbFile: env.dbFile,
      bin: env.temporalBin,
      logFile: env.temporalLogFile ?? path.join(path.dirname(env.dbFile), 'temporal.log'),
    },
    (pid) => writeTestEnv({ ...testEnv(), temporalPid: pid }),
  );
}
