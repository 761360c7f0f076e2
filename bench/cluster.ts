/**
 * The same figures on the production engine: the Temporal server on PostgreSQL, three nodes in one
 * ring, with the same worker build. (b) one setup at a time, (c) 50 at once against the bare
 * scripts measured right before, (f) the worker's peak RSS, and setups under the realistic profile.
 */
import { Client, Connection } from '@temporalio/client';
import type { AwsClients } from '../src/activities/aws/clients';
import type { PeeringRequest } from '../src/domain/peering/types';
import { type FaultProxy } from '../harness/fault-proxy';
import { runConcurrent, type Concurrent } from './concurrent';
import { RUNS, log } from './config';
import { bareSetup } from './bare-setup';
import { benchKit } from './kit';
import { ms } from './report';
import { realisticSetups, type ProfileSwitch } from './realistic';
import { startBenchCluster, startWorkerProcess } from './servers';
import type { Measured } from './terraform-peer';

export interface ClusterPhase {
  nodes: string[];
  b: number[];
  /** The bare script (sides in parallel), measured between the cluster's setups. */
  aParallel: number[];
  concurrent: Concurrent;
  realistic: Measured[];
  workerReady: string;
  startMs: number;
}

export async function runClusterEngine(o: {
  request: PeeringRequest;
  moto: { url: string; pid: number };
  proxy: FaultProxy;
  realism: ProfileSwitch;
  bareAws: AwsClients;
  realisticRuns: number;
}): Promise<ClusterPhase> {
  const started = performance.now();
  const cluster = await startBenchCluster();
  const startMs = performance.now() - started;
  log(`cluster on PostgreSQL up in ${ms(startMs)}: ${cluster.nodes.map((n) => n.frontend).join(', ')}`);
  const connection = await Connection.connect({ address: cluster.address });
  const client = new Client({ connection });
  const worker = await startWorkerProcess({
    temporalAddress: cluster.address,
    motoUrl: o.moto.url,
    taskQueue: `bench-cluster-${process.pid}`,
    name: 'worker-cluster',
  });
  const viaProxy = await startWorkerProcess({
    temporalAddress: cluster.address,
    motoUrl: o.proxy.url,
    taskQueue: `bench-cluster-proxy-${process.pid}`,
    name: 'worker-cluster-proxy',
  });
  try {
    const kit = benchKit({ request: o.request, motoUrl: o.moto.url, client, teardownQueue: worker.taskQueue });
    await kit.fresh();
    await kit.setup(`bench-cluster-warm-${process.pid}`, worker.taskQueue);
    await kit.setup(`bench-cluster-warm-proxy-${process.pid}`, viaProxy.taskQueue);
    const b: number[] = [];
    const aParallel: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await kit.fresh();
      const id = `bench-cluster-bare-${process.pid}-${i}`;
      aParallel.push((await kit.timed(() => bareSetup(o.bareAws, o.request, id, { parallelSides: true }))).ms);
      await kit.fresh();
      b.push((await kit.timed(() => kit.setup(`bench-cluster-${process.pid}-${i}`, worker.taskQueue))).ms);
    }
    log(`(b) on the cluster: ${b.map((x) => ms(x)).join(', ')}`);
    const [node1, ...others] = cluster.nodes;
    const concurrent = await runConcurrent({
      kit,
      request: o.request,
      bareAws: o.bareAws,
      client,
      workerProc: worker,
      temporal: { pid: node1!.pid, logFile: node1!.logFile },
      motoPid: o.moto.pid,
      servers: {
        ...Object.fromEntries(others.map((n) => [`temporal-node-${n.index}`, n.pid])),
        'postgres (postmaster alone)': cluster.postgres.pid,
      },
    });
    const realistic = await realisticSetups(
      { kit, proxy: o.proxy, realism: o.realism, queue: viaProxy.taskQueue, runs: o.realisticRuns },
      'cluster',
    );
    return {
      nodes: cluster.nodes.map((n) => n.ip),
      b,
      aParallel,
      concurrent,
      realistic,
      workerReady: worker.readyLine,
      startMs,
    };
  } finally {
    await worker.stop();
    await viaProxy.stop();
    await connection.close();
    await cluster.stop();
  }
}
