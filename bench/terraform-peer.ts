/**
 * Terraform as the peer, in the same run against the same moto: our setup, its re-run and its
 * teardown on the worker process, then `terraform apply`, a no-change apply and `destroy` of the same
 * topology. Both talk to moto through the bench's proxy, which counts every API call each one makes;
 * under the realistic profile (realistic.ts) the same proxy adds AWS's latency to both.
 */
import * as path from 'node:path';
import type { PeeringRequest } from '../src/domain/peering/types';
import { type FaultProxy } from '../harness/fault-proxy';
import { LOG_DIR } from './servers';
import { log } from './config';
import type { BenchKit } from './kit';
import { ms } from './report';
import { appliedCounts, findTerraform, terraformWorkdir, type TerraformWorkdir } from './terraform';

export interface ApiCalls {
  total: number;
  mutating: number;
}

export interface Measured {
  ms: number;
  calls: ApiCalls;
}

export interface PeerRound {
  setup: Measured;
  rerun: Measured;
  teardown: Measured;
  apply: Measured;
  noChangeApply: Measured;
  destroy: Measured;
}

export type TerraformPeer =
  { skipped: string } | { version: string; workdir: TerraformWorkdir; rounds: PeerRound[]; resources: number };

/** Runs `fn` with the proxy's counters zeroed, and reads them afterwards. */
export async function throughProxy(proxy: FaultProxy, fn: () => Promise<unknown>): Promise<Measured> {
  proxy.resetStats();
  const started = performance.now();
  await fn();
  const elapsed = performance.now() - started;
  const stats = proxy.stats();
  return { ms: elapsed, calls: { total: stats.requests, mutating: stats.mutatingRequests.length } };
}

export interface TerraformRoundOptions {
  kit: BenchKit;
  proxy: FaultProxy;
  /** A worker process whose AWS calls go through `proxy`. */
  workerQueue: string;
  workdir: TerraformWorkdir;
  id: string;
  /** Our side too, or Terraform's alone. @default true */
  ours?: boolean;
}

/** One round: ours on an empty moto, then Terraform's on an empty moto. */
export async function terraformRound(o: TerraformRoundOptions): Promise<Partial<PeerRound> & { resources: number }> {
  const { kit, proxy, workdir } = o;
  const round: Partial<PeerRound> = {};
  if (o.ours !== false) {
    await kit.fresh();
    round.setup = await throughProxy(proxy, () => kit.setup(o.id, o.workerQueue));
    round.rerun = await throughProxy(proxy, () => kit.setup(o.id, o.workerQueue));
    round.teardown = await throughProxy(proxy, () => kit.teardown(o.id, o.workerQueue));
  }
  await kit.fresh();
  let resources = 0;
  round.apply = await throughProxy(proxy, async () => {
    resources = appliedCounts((await workdir.apply()).output)?.added ?? 0;
  });
  round.noChangeApply = await throughProxy(proxy, async () => {
    const changed = appliedCounts((await workdir.apply()).output);
    if (changed && changed.added + changed.changed + changed.destroyed > 0)
      throw new Error(`the second terraform apply changed something: ${JSON.stringify(changed)}`);
  });
  round.destroy = await throughProxy(proxy, () => workdir.destroy());
  return { ...round, resources };
}

export async function runTerraformPeer(o: {
  kit: BenchKit;
  proxy: FaultProxy;
  request: PeeringRequest;
  workerQueue: string;
  runs: number;
}): Promise<TerraformPeer> {
  const found = await findTerraform();
  if ('missing' in found) {
    log(`Terraform skipped: ${found.missing}`);
    return { skipped: found.missing };
  }
  const dir = path.join(LOG_DIR, `bench-${process.pid}-terraform`);
  const workdir = terraformWorkdir(found, o.request, dir, o.proxy.url, `terraform-bench-${process.pid}`);
  await workdir.init();
  log(`Terraform ${found.version}, hashicorp/aws from ${found.mirror}; ${o.runs} rounds in ${dir}`);
  const rounds: PeerRound[] = [];
  let resources = 0;
  for (let i = 0; i < o.runs; i++) {
    const r = await terraformRound({ ...o, workdir, id: `bench-tf-peer-${process.pid}-${i}` });
    resources = r.resources;
    rounds.push(r as PeerRound);
    log(
      `terraform round ${i + 1}/${o.runs}: setup ${ms(r.setup!.ms)} vs apply ${ms(r.apply!.ms)}, re-run ${ms(r.rerun!.ms)} vs no-change apply ${ms(r.noChangeApply!.ms)}, teardown ${ms(r.teardown!.ms)} vs destroy ${ms(r.destroy!.ms)}; calls ${r.setup!.calls.total}/${r.apply!.calls.total}`,
    );
  }
  return { version: found.version, workdir, rounds, resources };
}
