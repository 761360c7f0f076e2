/**
 * The realistic AWS profile (harness/latency-profile.ts): the bench's proxy adds EC2's measured
 * per-call latency and holds every peering `provisioning` for seconds, and the bare script, our
 * setup and Terraform all run through it. Against raw moto the orchestration's cost is most of a
 * setup's time; here it is measured against what a user would wait on AWS.
 */
import { type WorkflowHandle } from '@temporalio/client';
import type { AwsClients } from '../src/activities/aws/clients';
import type { PeeringRequest } from '../src/domain/peering/types';
import { type FaultProxy } from '../harness/fault-proxy';
import { type LatencyProfile } from '../harness/latency-profile';
import { bareSetup } from './bare-setup';
import { log } from './config';
import type { BenchKit } from './kit';
import { median, summarizeHistories, type HistoryStats, type HistorySummary } from './measure';
import { ms } from './report';
import { terraformRound, throughProxy, type Measured, type PeerRound } from './terraform-peer';
import { type TerraformWorkdir } from './terraform';

/** The proxy's latency hook reads `on`; the bench turns it on for this phase only. */
export interface ProfileSwitch {
  on: boolean;
  profile: LatencyProfile;
}

export interface Realistic {
  bareParallel: number[];
  /** Time in each of the bare script's steps (sides in parallel), medians over the runs. */
  bareParallelStepsMs: Record<string, number>;
  /** Where the dev-server setups' time went, from their histories. */
  setupHistory: HistorySummary;
  bareSequential: number[];
  setup: Measured[];
  terraform?: Partial<PeerRound>;
  drawnMedianMs: { reads: number; writes: number; calls: number };
}

async function withProfile<T>(proxy: FaultProxy, realism: ProfileSwitch, fn: () => Promise<T>): Promise<T> {
  realism.on = true;
  proxy.setRules(realism.profile.rules);
  try {
    return await fn();
  } finally {
    realism.on = false;
    proxy.clearRules();
  }
}

/** Setups one at a time through the proxy under the profile, on whichever engine `queue` is served by. */
export async function realisticSetups(
  o: { kit: BenchKit; proxy: FaultProxy; realism: ProfileSwitch; queue: string; runs: number },
  label: string,
  histories: HistoryStats[] = [],
): Promise<Measured[]> {
  return withProfile(o.proxy, o.realism, async () => {
    const out: Measured[] = [];
    for (let i = 0; i < o.runs; i++) {
      await o.kit.fresh();
      let handle: WorkflowHandle | undefined;
      out.push(
        await throughProxy(o.proxy, async () => {
          handle = (await o.kit.setup(`bench-real-${label}-${process.pid}-${i}`, o.queue)).handle;
        }),
      );
      histories.push(await o.kit.events(handle!));
      log(`realistic ${label} setup ${i + 1}/${o.runs}: ${ms(out.at(-1)!.ms)}, ${out.at(-1)!.calls.total} calls`);
    }
    return out;
  });
}

export async function runRealistic(o: {
  kit: BenchKit;
  proxy: FaultProxy;
  realism: ProfileSwitch;
  request: PeeringRequest;
  /** The bare script's clients, aimed at the proxy. */
  bareAws: AwsClients;
  /** A dev-server worker process whose AWS calls go through the proxy. */
  queue: string;
  runs: number;
  terraform?: TerraformWorkdir;
}): Promise<Realistic> {
  const { kit, proxy, realism, request, bareAws } = o;
  const bareParallel: number[] = [];
  const bareSteps: Array<Record<string, number>> = [];
  const bareSequential: number[] = [];
  await withProfile(proxy, realism, async () => {
    for (let i = 0; i < o.runs; i++) {
      await kit.fresh();
      const started = performance.now();
      const bare = await bareSetup(bareAws, request, `bench-real-bare-par-${process.pid}-${i}`, {
        parallelSides: true,
      });
      bareParallel.push(performance.now() - started);
      bareSteps.push(bare.steps);
      await kit.fresh();
      const seqStarted = performance.now();
      await bareSetup(bareAws, request, `bench-real-bare-${process.pid}-${i}`);
      bareSequential.push(performance.now() - seqStarted);
      log(
        `realistic bare script ${i + 1}/${o.runs}: sides in parallel ${ms(bareParallel.at(-1)!)}, one after the other ${ms(bareSequential.at(-1)!)}`,
      );
    }
  });
  const histories: HistoryStats[] = [];
  const setup = await realisticSetups({ ...o, queue: o.queue }, 'dev', histories);
  let terraform: Partial<PeerRound> | undefined;
  if (o.terraform) {
    const workdir = o.terraform;
    terraform = await withProfile(proxy, realism, () =>
      terraformRound({ kit, proxy, workerQueue: o.queue, workdir, id: 'unused', ours: false }),
    );
    log(
      `realistic terraform: apply ${ms(terraform.apply!.ms)}, no-change apply ${ms(terraform.noChangeApply!.ms)}, destroy ${ms(terraform.destroy!.ms)}`,
    );
  }
  const { reads, writes } = realism.profile.drawn;
  const steps = Object.keys(bareSteps[0] ?? {});
  return {
    bareParallel,
    bareParallelStepsMs: Object.fromEntries(steps.map((n) => [n, Math.round(median(bareSteps.map((x) => x[n] ?? 0)))])),
    setupHistory: summarizeHistories(histories),
    bareSequential,
    setup,
    ...(terraform ? { terraform } : {}),
    drawnMedianMs: {
      reads: Math.round(median(reads)),
      writes: Math.round(median(writes)),
      calls: reads.length + writes.length,
    },
  };
}
