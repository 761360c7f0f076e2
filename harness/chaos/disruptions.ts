/** What the chaos run does to its own stack while the workflows run: worker SIGKILLs and server restarts. */
import { type ChaosEngine } from './engine';
import { type ChaosWorker } from './worker';
import { sleep } from './workflows';

export interface WorkerKillerOptions {
  worker: ChaosWorker;
  killEverySeconds: number;
  maxWorkerKills: number;
  killWhen: 'any-time' | 'in-peering-wait';
  random: () => number;
  /** True once every run has closed: stop. */
  done: () => boolean;
  onlyPeeringWaitsRunning: () => Promise<boolean>;
  log: (line: string) => void;
}

/** SIGKILLs and restarts the worker every `killEverySeconds` on average (from when it is ready again). */
export async function killWorkerRepeatedly(o: WorkerKillerOptions): Promise<void> {
  const { worker, done } = o;
  if (o.killEverySeconds <= 0) return;
  while (!done() && worker.kills < o.maxWorkerKills) {
    const wait = o.killEverySeconds * 1000 * (0.5 + o.random());
    const until = Date.now() + wait;
    while (!done() && Date.now() < until) await sleep(200);
    if (done()) return;
    if (o.killWhen === 'in-peering-wait') {
      const giveUp = Date.now() + 60_000;
      while (!done() && Date.now() < giveUp && !(await o.onlyPeeringWaitsRunning())) await sleep(500);
      if (done()) return;
    }
    const old = worker.pid;
    await worker.killAndRestart();
    o.log(`worker pid ${old} SIGKILLed (#${worker.kills}); new worker pid ${worker.pid} ready`);
  }
}

export interface ServerRestarterOptions {
  /** Says what each restart kills: the dev server, or a cluster node other than the clients' frontend. */
  engine: Pick<ChaosEngine, 'nextVictim'>;
  serverRestarts: number;
  /** Workflows in the whole run; restarts are spread evenly over their closes. */
  total: number;
  closed: () => number;
  done: () => boolean;
  log: (line: string) => void;
}

/** SIGKILLs a Temporal server process and starts it again on the same ports; resolves to the restarts made. */
export async function restartServerRepeatedly(o: ServerRestarterOptions): Promise<number> {
  const { total, closed, done } = o;
  let restarts = 0;
  for (let j = 1; j <= o.serverRestarts; j++) {
    const threshold = Math.max(1, Math.round((j * total) / (o.serverRestarts + 1)));
    while (!done() && closed() < threshold) await sleep(200);
    if (done()) return restarts;
    const down = Date.now();
    const victim = o.engine.nextVictim();
    o.log(`killing ${victim.label} (pid ${victim.pid}) after ${closed()}/${total} closed workflows`);
    await victim.stop({ signal: 'SIGKILL' });
    await victim.restart();
    restarts++;
    o.log(
      `${victim.label} back (pid ${victim.pid}) on the same ports after ${((Date.now() - down) / 1000).toFixed(1)} s`,
    );
  }
  return restarts;
}
