/**
 * One setup at a time, RUNS times: (a) the bare script, sequential and with the sides in
 * parallel; (b) the workflow on the worker process; (d) the same on the in-process worker that
 * counts its calls, then a re-run of the same workflow id and its teardown; (e) history events.
 */
import type { AwsClients } from '../src/activities/aws/clients';
import type { PeeringRequest } from '../src/domain/peering/types';
import { bareSetup } from './bare-setup';
import { RUNS, log } from './config';
import type { InProcessWorker } from './in-process-worker';
import type { BenchKit } from './kit';
import { sequenceDifference, type AwsCall, type CallCount, type HistoryStats } from './measure';
import { ms } from './report';

export interface Sequential {
  a: number[];
  aParallel: number[];
  b: number[];
  bInProcess: number[];
  bareSteps: Array<Record<string, number>>;
  bareCounts: CallCount[];
  freshCounts: CallCount[];
  rerunCounts: CallCount[];
  teardownCounts: CallCount[];
  orderDifferences: Set<string>;
  freshHistories: HistoryStats[];
  rerunHistories: HistoryStats[];
  rerunMs: number[];
  teardownMs: number[];
}

export interface SequentialOptions {
  kit: BenchKit;
  request: PeeringRequest;
  /** The bare script's clients, and the calls they observed. */
  bareAws: AwsClients;
  bareCalls: AwsCall[];
  inProc: InProcessWorker;
  /** The production worker process's queue. */
  workerQueue: string;
}

export async function runSequential(o: SequentialOptions): Promise<Sequential> {
  const { kit, request, bareAws, bareCalls, inProc } = o;
  const { fresh, counted, timed, setup, teardown, events } = kit;
  const s: Sequential = {
    a: [],
    aParallel: [],
    b: [],
    bInProcess: [],
    bareSteps: [],
    bareCounts: [],
    freshCounts: [],
    rerunCounts: [],
    teardownCounts: [],
    orderDifferences: new Set<string>(),
    freshHistories: [],
    rerunHistories: [],
    rerunMs: [],
    teardownMs: [],
  };
  for (let i = 0; i < RUNS; i++) {
    await fresh();
    const bare = await counted(bareCalls, () => bareSetup(bareAws, request, `bench-bare-${process.pid}-${i}`));
    s.a.push(bare.ms);
    s.bareSteps.push(bare.out.steps);
    s.bareCounts.push(bare.calls);

    await fresh();
    s.aParallel.push(
      (await timed(() => bareSetup(bareAws, request, `bench-bare-par-${process.pid}-${i}`, { parallelSides: true })))
        .ms,
    );

    // (b) and (e) on the production worker process, as users run it.
    await fresh();
    const flow = await timed(() => setup(`bench-setup-${process.pid}-${i}`, o.workerQueue));
    s.b.push(flow.ms);
    s.freshHistories.push(await events(flow.out.handle));

    // (d) on the in-process worker, whose AWS clients count every call.
    await fresh();
    const id = `bench-counted-${process.pid}-${i}`;
    const first = await counted(inProc.calls, () => setup(id, inProc.taskQueue));
    s.bInProcess.push(first.ms);
    s.freshCounts.push(first.calls);
    for (const d of sequenceDifference(bare.list, first.list)) s.orderDifferences.add(d);

    // The same workflow id again: its setup-id tag finds everything the first run made.
    const again = await counted(inProc.calls, () => setup(id, inProc.taskQueue));
    if (again.out.result.peeringConnectionId !== first.out.result.peeringConnectionId) {
      throw new Error(
        `re-run of ${id} made a new peering ${again.out.result.peeringConnectionId}, not ${first.out.result.peeringConnectionId}`,
      );
    }
    s.rerunMs.push(again.ms);
    s.rerunCounts.push(again.calls);
    s.rerunHistories.push(await events(again.out.handle));

    const down = await counted(inProc.calls, () => teardown(id));
    if (down.out.deleted.length === 0) throw new Error(`teardown of ${id} deleted nothing`);
    s.teardownMs.push(down.ms);
    s.teardownCounts.push(down.calls);
    log(
      `run ${i + 1}/${RUNS}: bare ${ms(bare.ms)} (sides in parallel ${ms(s.aParallel.at(-1)!)}), setup ${ms(flow.ms)} ` +
        `(in-process ${ms(first.ms)}), re-run ${ms(again.ms)}, teardown ${ms(down.ms)}; calls ${first.calls.total}/${again.calls.total}/${down.calls.total}`,
    );
  }
  return s;
}
