/**
 * `npm run bench`: what durability costs, measured in one run against one moto, on both engines,
 * next to Terraform and under a realistic AWS profile, a 45-peering mesh against the same pairs
 * set up one at a time, the worker's memory per cached workflow, and the failover (and
 * ProtectDatabase, when built) against a bare runbook. Starts its own Temporal dev server, moto,
 * proxy, worker processes and, later, the Temporal server cluster on PostgreSQL, all on free
 * ports; prints every figure against its target, writes bench/results.json and ends with
 * `targets met: K/N`. The timed runs use raw moto (or the realistic profile); a correctness check
 * then runs behind the AWS-faithful layer, and the bench exits 1 if it fails.
 *
 * BENCH_RUNS, BENCH_CONCURRENCY, BENCH_TERRAFORM_RUNS, BENCH_REALISTIC_RUNS and BENCH_FAILOVER_RUNS
 * shrink it for a quick look; the targets are judged on the defaults (bench/config.ts).
 */
import { Client, Connection } from '@temporalio/client';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAwsClients } from '../src/activities/aws/clients';
import type { PeeringRequest } from '../src/domain/peering/types';
import { startFaultProxy } from '../harness/fault-proxy';
import { realisticAwsProfile } from '../harness/latency-profile';
import { bareSetup } from './bare-setup';
import { faithfulCheck } from './faithful-check';
import { runClusterEngine } from './cluster';
import { runConcurrent } from './concurrent';
import { CONCURRENCY, FAILOVER_RUNS, REALISTIC_RUNS, REQUEST_FILE, ROOT, TERRAFORM_RUNS, log } from './config';
import { cachedWorkflowMemory } from './cache-memory';
import { runFailoverBench } from './failover';
import { benchFigures } from './figures';
import { CREDENTIALS, startInProcessWorker } from './in-process-worker';
import { benchKit } from './kit';
import { type AwsCall } from './measure';
import { printMeshBench, runMeshBench } from './mesh';
import { bundleComposition, burstWithSdkDefaults } from './memory';
import { printReport, writeResults } from './print';
import { runRealistic, type ProfileSwitch } from './realistic';
import { runSequential } from './sequential';
import { buildWorker, startBenchServers, startWorkerProcess } from './servers';
import { runTerraformPeer } from './terraform-peer';

async function run() {
  const t0 = performance.now();
  const request = JSON.parse(fs.readFileSync(REQUEST_FILE, 'utf8')) as PeeringRequest;
  const loadBefore = os.loadavg();
  log(`starting a Temporal dev server and moto on free ports; npm run build for the worker process`);
  const [servers, build] = await Promise.all([startBenchServers(), buildWorker()]);
  if (build.typeErrors) console.warn(`tsc reported type errors (the JS was emitted and is used):\n${build.typeErrors}`);
  const { temporal, moto } = servers;
  // One proxy in front of moto counts every call of the runs that go through it, and under the
  // realistic profile adds AWS's latency to them (its hook reads the switch).
  const realism: ProfileSwitch = { on: false, profile: realisticAwsProfile() };
  const proxy = await startFaultProxy({
    target: moto.url,
    latency: (call) => (realism.on ? realism.profile.latencyMs(call) : 0),
  });
  log(`Temporal ${temporal.address}, moto ${moto.url}, proxy ${proxy.url}, worker build ${build.ms} ms`);

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
  const viaProxy = await startWorkerProcess({
    temporalAddress: temporal.address,
    motoUrl: proxy.url,
    taskQueue: `bench-proxy-${process.pid}`,
    name: 'worker-proxy',
  });
  log(`worker process ${workerProc.pid}: ${workerProc.readyLine}`);
  const bareCalls: AwsCall[] = [];
  const clientConfig = { endpoint: moto.url, credentials: CREDENTIALS };
  const bareAws = createAwsClients({ clientConfig, observers: [(c) => bareCalls.push(c)] });
  const bareViaProxy = createAwsClients({ clientConfig: { ...clientConfig, endpoint: proxy.url } });
  const kit = benchKit({ request, motoUrl: moto.url, client, teardownQueue: inProc.taskQueue });

  log('warming up: one bare setup, one setup on each worker (not measured)');
  await kit.fresh();
  await bareSetup(bareAws, request, `bench-warm-bare-${process.pid}`);
  for (const queue of [inProc.taskQueue, workerProc.taskQueue, viaProxy.taskQueue])
    await kit.setup(`bench-warm-${queue}`, queue);
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
  const sdkDefaults = await burstWithSdkDefaults({
    kit,
    client,
    temporalAddress: temporal.address,
    motoUrl: moto.url,
  });
  const cacheMemory = await cachedWorkflowMemory({
    kit,
    client,
    request,
    temporalAddress: temporal.address,
    proxy,
    held: CONCURRENCY,
  });
  const terraform = await runTerraformPeer({
    kit,
    proxy,
    request,
    workerQueue: viaProxy.taskQueue,
    runs: TERRAFORM_RUNS,
  });
  const realistic = await runRealistic({
    kit,
    proxy,
    realism,
    request,
    bareAws: bareViaProxy,
    queue: viaProxy.taskQueue,
    runs: REALISTIC_RUNS,
    ...('workdir' in terraform ? { terraform: terraform.workdir } : {}),
  });
  await viaProxy.stop();
  log(`the failover and the protection under the realistic profile (${FAILOVER_RUNS} rounds)`);
  const failover = await runFailoverBench({
    motoUrl: moto.url,
    temporalAddress: temporal.address,
    client,
    runs: FAILOVER_RUNS,
  });
  log('correctness check: a setup, its re-run and its teardown behind the AWS-faithful layer');
  await kit.fresh();
  const check = await faithfulCheck({ request, motoUrl: moto.url, temporalAddress: temporal.address, client });
  await connection.close();
  await servers.stopTemporal();

  log('the same on the cluster engine');
  const cluster = await runClusterEngine({
    request,
    moto,
    proxy,
    realism,
    bareAws,
    realisticRuns: REALISTIC_RUNS,
  });
  await proxy.close();
  await servers.stop();

  const measurements = {
    sequential,
    concurrent,
    terraform,
    realistic,
    cluster,
    bundle: bundleComposition(path.join(ROOT, 'lib', 'workflow-bundle.js')),
    sdkDefaults,
    mesh,
    cacheMemory,
    failover,
  };
  const figures = benchFigures(measurements);
  printReport(figures, measurements, request, loadBefore);
  printMeshBench(mesh);
  const seconds = Math.round((performance.now() - t0) / 1000);
  const met = writeResults(figures, measurements, {
    loadBefore,
    loadAfter: os.loadavg(),
    workerReady: workerProc.readyLine,
    seconds,
  });
  console.log(`bench took ${seconds} s`);
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
