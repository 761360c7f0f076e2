/**
 * `npm run bench`: what durability costs over a plain script, measured in one run against one moto,
 * and a 45-peering mesh against the same pairs set up one at a time.
 * Starts its own Temporal dev server, moto and worker process on free ports, prints every figure
 * against its target, writes bench/results.json and ends with `targets met: K/N`. The timed runs
 * use raw moto; a correctness check then runs behind the AWS-faithful layer (exit 1 if it fails).
 *
 * BENCH_RUNS (default 10) and BENCH_CONCURRENCY (default 50) shrink it for a quick look; the
 * targets are judged on the defaults.
 */
import { Client, Connection } from '@temporalio/client';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { createAwsClients } from '../src/activities/aws-clients';
import type { PeeringRequest } from '../src/domain/types';
import { bareSetup } from './bare-setup';
import { faithfulCheck } from './faithful-check';
import { runConcurrent } from './concurrent';
import { REQUEST_FILE, log } from './config';
import { benchFigures } from './figures';
import { runInMemory } from './in-memory';
import { CREDENTIALS, startInProcessWorker } from './in-process-worker';
import { benchKit } from './kit';
import { printMeshBench, runMeshBench } from './mesh';
import { type AwsCall } from './measure';
import { printReport, writeResults } from './print';
import { runSequential } from './sequential';
import { buildWorker, startBenchServers, startWorkerProcess } from './servers';

async function run() {
  const request = JSON.parse(fs.readFileSync(REQUEST_FILE, 'utf8')) as PeeringRequest;
  const loadBefore = os.loadavg();
  log(`starting a Temporal dev server and moto on free ports; compiling src/ to lib/ for the worker process`);
  const [servers, build] = await Promise.all([startBenchServers(), buildWorker()]);
  if (build.typeErrors) console.warn(`tsc reported type errors (the JS was emitted and is used):\n${build.typeErrors}`);
  const { temporal, moto } = servers;
  log(`Temporal ${temporal.address}, moto ${moto.url}, worker build ${build.ms} ms`);

  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const inProc = await startInProcessWorker({
    temporalAddress: temporal.address,
    motoUrl: moto.url,
    taskQueue: `bench-inproc-${process.pid}`,
    client,
  });
  const workerProc = await startWorkerProcess({
    temporalAddress: temporal.address,
    motoUrl: moto.url,
    taskQueue: `bench-proc-${process.pid}`,
  });
  log(`worker process ${workerProc.pid}: ${workerProc.readyLine}`);
  const bareCalls: AwsCall[] = [];
  const bareAws = createAwsClients({
    clientConfig: { endpoint: moto.url, credentials: CREDENTIALS },
    observers: [(c) => bareCalls.push(c)],
  });
  const kit = benchKit({ request, motoUrl: moto.url, client, teardownQueue: inProc.taskQueue });

  log('warming up: one bare setup, one setup on each worker (not measured)');
  await kit.fresh();
  await bareSetup(bareAws, request, `bench-warm-bare-${process.pid}`);
  await kit.setup(`bench-warm-inproc-${process.pid}`, inProc.taskQueue);
  await kit.setup(`bench-warm-proc-${process.pid}`, workerProc.taskQueue);
  bareCalls.length = 0;

  const sequential = await runSequential({
    kit,
    request,
    bareAws,
    bareCalls,
    inProc,
    workerQueue: workerProc.taskQueue,
  });
  const concurrent = await runConcurrent({ kit, request, bareAws, client, workerProc, temporal, motoPid: moto.pid });
  const mesh = await runMeshBench({
    kit,
    client,
    inProc,
    motoUrl: moto.url,
    allow: request.allow,
    pids: { moto: moto.pid, temporal: temporal.pid, bench: process.pid },
  });
  await inProc.shutdown();
  await workerProc.stop();
  const inMemory = await runInMemory(kit, moto);
  log('correctness check: a setup, its re-run and its teardown behind the AWS-faithful layer');
  await kit.fresh();
  const check = await faithfulCheck({ request, motoUrl: moto.url, temporalAddress: temporal.address, client });

  await connection.close();
  await servers.stop();
  const loadAfter = os.loadavg();

  const figures = benchFigures(sequential, concurrent, inMemory);
  printReport(figures, concurrent, inMemory, request, loadBefore);
  printMeshBench(mesh);
  const met = writeResults(figures, sequential, concurrent, inMemory, mesh, {
    loadBefore,
    loadAfter,
    workerReady: workerProc.readyLine,
  });
  console.log(`correctness behind the AWS-faithful layer: ${check.passed ? 'passed' : 'FAILED'}: ${check.detail}`);
  console.log(`targets met: ${met}`);
  return check.passed;
}

// Exit explicitly: idle keep-alive sockets of the SDK clients would otherwise hold the process open.
run().then(
  (correct) => process.exit(correct ? 0 : 1),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
