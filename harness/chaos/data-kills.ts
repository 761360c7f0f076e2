/**
 * Worker SIGKILLs aimed at the data writes: each kill waits until an activity making the next data
 * write in turn (data-plan.ts) is running, then kills the worker, so that the call is in flight
 * (the fault proxy holds it a moment) and AWS does the work for a worker that is gone. A lock
 * keeps these kills and the timer's (disruptions.ts) from overlapping.
 */
import { DATA_WRITES } from './data-plan';
import { type ChaosWorker } from './worker';
import { sleep } from './workflows';

/** The same worker, whose kills wait for one another. */
export function withKillLock(worker: ChaosWorker): ChaosWorker {
  let chain: Promise<void> = Promise.resolve();
  return Object.create(worker, {
    killAndRestart: {
      value: () => {
        const next = chain.then(() => worker.killAndRestart());
        chain = next.catch(() => undefined);
        return next;
      },
    },
  }) as ChaosWorker;
}

export interface DataKillerOptions {
  worker: ChaosWorker;
  maxKills: number;
  /** The types of the activities running in the open data workflows. */
  running: () => Promise<string[]>;
  done: () => boolean;
  log: (line: string) => void;
  /** How long to wait for one kind of write before trying the next. @default 180_000 */
  patienceMs?: number;
}

/** Resolves to the kills made, by the data write in flight. */
export async function killInDataWrites(o: DataKillerOptions): Promise<Record<string, number>> {
  const kills: Record<string, number> = {};
  const patience = o.patienceMs ?? 180_000;
  let made = 0;
  for (let turn = 0; made < o.maxKills && !o.done(); turn++) {
    const write = DATA_WRITES[turn % DATA_WRITES.length]!;
    const giveUp = Date.now() + patience;
    let activity: string | undefined;
    while (!o.done() && Date.now() < giveUp && !activity) {
      activity = (await o.running().catch(() => [])).find(write.activity);
      if (!activity) await sleep(250);
    }
    if (!activity || o.done()) continue;
    const old = o.worker.pid;
    await o.worker.killAndRestart();
    made++;
    kills[write.label] = (kills[write.label] ?? 0) + 1;
    o.log(
      `worker pid ${old} SIGKILLed in ${activity} (${write.label} in flight); new worker pid ${o.worker.pid} ready`,
    );
  }
  return kills;
}
