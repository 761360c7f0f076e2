/**
 * Starts this jest run's own Temporal dev server and moto on free ports, and the AWS-faithful
 * layer in front of moto, and records them in .data/test-runs/<jest pid>.json (TEST_ENV_FILE),
 * copied to .data/test-env.json. TEST_TEMPORAL_ADDRESS / TEST_MOTO_URL reuse servers that are
 * already running instead; TEST_RAW_MOTO=1 leaves the layer out (the code then talks to moto
 * itself) and TEST_FAITHFUL_LAG=min-max sets its lag in seconds.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LATEST_TEST_ENV_FILE, TEST_RUNS_DIR, readTestEnv, recordedPids, writeTestEnv, type TestEnv } from './env';
import { suiteFaithfulOptions } from '../../harness/faithful/options';
import { startFaithfulLayer, type FaithfulLayer } from './faithful/layer';
import {
  DEFAULT_TEMPORAL_BIN,
  ROOT,
  defaultMotoBin,
  killProcessGroupSync,
  pidRuns,
  startMoto,
  startTemporalDevServer,
  stopProcessGroup,
  type MotoServer,
  type TemporalDevServer,
} from '../../harness/stack';
import { TEMPORAL_SERVER_BIN } from '../../harness/temporal-cluster';
import { workflowBundleOptions } from '../../src/workflow-bundle';

const LOG_DIR = path.join(ROOT, '.data', 'logs');

const jestAlive = (pid: number) => pid === process.pid || pidRuns(pid, 'jest');

/** A run that was killed (Ctrl-C twice, OOM) never reached teardown; its servers may still be up. */
async function cleanUpDeadRuns(): Promise<void> {
  for (const name of fs.existsSync(TEST_RUNS_DIR) ? fs.readdirSync(TEST_RUNS_DIR) : []) {
    const file = path.join(TEST_RUNS_DIR, name);
    const env = readTestEnv(file);
    if (env && jestAlive(env.ownerPid)) continue;
    for (const pid of env ? recordedPids(env) : []) {
      console.warn(`[global-setup] stopping pid ${pid} left over from jest run ${env?.ownerPid}`);
      await stopProcessGroup(pid, { signal: 'SIGKILL' });
    }
    if (env?.tmpDir) fs.rmSync(env.tmpDir, { recursive: true, force: true });
    fs.rmSync(file, { force: true });
  }
  for (const name of fs.existsSync(LOG_DIR) ? fs.readdirSync(LOG_DIR) : []) {
    const owner = /^jest-(\d+)-/.exec(name)?.[1];
    if (owner && !jestAlive(Number(owner))) fs.rmSync(path.join(LOG_DIR, name), { force: true });
  }
}

function ensureTools(): void {
  const missing = [DEFAULT_TEMPORAL_BIN, TEMPORAL_SERVER_BIN].filter((bin) => !fs.existsSync(bin));
  if (!missing.length) return;
  console.log(
    `[global-setup] ${missing.map((b) => path.relative(ROOT, b)).join(', ')} missing; running scripts/ensure-tools.sh`,
  );
  const result = spawnSync('bash', [path.join(ROOT, 'scripts', 'ensure-tools.sh')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`scripts/ensure-tools.sh failed (exit ${result.status})`);
}

/** Stops this run's servers even if jest dies without reaching global teardown. */
function installSafetyNet(pids: () => number[]): () => void {
  const killAll = () => pids().forEach((pid) => killProcessGroupSync(pid));
  const onSignal = (signal: NodeJS.Signals) => {
    killAll();
    process.kill(process.pid, signal);
  };
  process.once('exit', killAll);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  return () => {
    process.off('exit', killAll);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  };
}

/** The dev server's default: the UI listens on the gRPC port + 1000. */
function defaultUiUrl(address: string): string {
  const [host = '127.0.0.1', port = '7233'] = address.split(':');
  return `http://${host}:${Number(port) + 1000}`;
}

/**
 * The workflow code, bundled once for the run with the options the worker itself uses (so the
 * shared-domain preload is in it), instead of by webpack at each of the ~50 test workers (2-5 s of
 * CPU each). Test workers (harness.ts) and worker processes (WORKFLOW_BUNDLE) load this file.
 */
async function bundleWorkflows(file: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(ROOT, 'src', 'workflows'),
    ...workflowBundleOptions(),
  });
  fs.writeFileSync(file, code);
  return file;
}

export default async function globalSetup(): Promise<void> {
  await cleanUpDeadRuns();
  const runFile = process.env.TEST_ENV_FILE ?? path.join(TEST_RUNS_DIR, `${process.pid}.json`);
  const externalTemporal = process.env.TEST_TEMPORAL_ADDRESS;
  const externalMoto = process.env.TEST_MOTO_URL;
  if (!externalTemporal) ensureTools();

  fs.mkdirSync(LOG_DIR, { recursive: true });
  const log = (name: string) => path.join(LOG_DIR, `jest-${process.pid}-${name}.log`);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-peering-test-'));
  let temporal: TemporalDevServer | undefined;
  let moto: MotoServer | undefined;
  let layer: FaithfulLayer | undefined;
  let workflowBundle: string | undefined;
  const faithful = suiteFaithfulOptions();
  const disarm = installSafetyNet(() => {
    const recorded = readTestEnv(runFile);
    return [...(recorded ? recordedPids(recorded) : []), layer?.pid, temporal?.pid, moto?.pid].filter(
      (p): p is number => !!p,
    );
  });
  try {
    const started = Date.now();
    [temporal, moto, workflowBundle] = await Promise.all([
      externalTemporal
        ? undefined
        : startTemporalDevServer({ dbFile: path.join(tmpDir, 'temporal.db'), logFile: log('temporal') }),
      externalMoto ? undefined : startMoto({ logFile: log('moto') }),
      bundleWorkflows(path.join(tmpDir, 'workflow-bundle.js')),
    ]);
    const motoUrl = moto?.url ?? (externalMoto as string).replace(/\/$/, '');
    if (faithful) layer = await startFaithfulLayer({ motoUrl, options: faithful, logFile: log('faithful-layer') });
    if (temporal || moto || layer) console.log(`\n[global-setup] servers ready in ${Date.now() - started} ms`);
  } catch (err) {
    await Promise.all([layer?.stop(), temporal?.stop(), moto?.stop()]);
    disarm();
    fs.rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }

  const env: TestEnv = {
    ownerPid: process.pid,
    temporalAddress: temporal?.address ?? (externalTemporal as string),
    temporalUiUrl: temporal?.uiUrl ?? process.env.TEST_TEMPORAL_UI_URL ?? defaultUiUrl(externalTemporal as string),
    motoUrl: moto?.url ?? (externalMoto as string).replace(/\/$/, ''),
    awsUrl: layer?.url ?? moto?.url ?? (externalMoto as string).replace(/\/$/, ''),
    temporalBin: temporal?.bin ?? DEFAULT_TEMPORAL_BIN,
    temporalPid: temporal?.pid ?? null,
    motoPid: moto?.pid ?? null,
    dbFile: temporal?.dbFile ?? null,
    temporalPort: temporal?.port ?? null,
    temporalUiPort: temporal?.uiPort ?? null,
    temporalLogFile: temporal?.logFile ?? null,
    motoPort: moto?.port ?? null,
    motoBin: moto ? defaultMotoBin() : null,
    motoLogFile: moto?.logFile ?? null,
    faithfulPid: layer?.pid ?? null,
    faithfulLogFile: layer?.logFile ?? null,
    tmpDir,
    workflowBundle,
    extraProcesses: [],
  };
  writeTestEnv(env, runFile);
  writeTestEnv(env, LATEST_TEST_ENV_FILE);
  process.env.TEST_ENV_FILE = runFile;
  (globalThis as { __stackDisarm?: () => void }).__stackDisarm = disarm;
  console.log(
    `[global-setup] Temporal ${env.temporalAddress}${externalTemporal ? ' (external)' : ''}, UI ${env.temporalUiUrl}, ` +
      `moto ${env.motoUrl}${externalMoto ? ' (external)' : ''}, ` +
      (faithful
        ? `AWS-faithful layer ${env.awsUrl} (lag ${faithful.lagSeconds.join('-')} s)`
        : 'no AWS-faithful layer (TEST_RAW_MOTO)'),
  );
}
