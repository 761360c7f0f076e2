/**
 * The Temporal a chaos run uses and disrupts: the dev server (killed and restarted on the same ports
 * and SQLite file), or the cluster on PostgreSQL (a node that does not hold the clients' frontend
 * killed and restarted, a different one each time).
 */
import * as path from 'node:path';
import { killProcessGroupSync, startTemporalDevServer, type StopOptions } from '../stack';
import { startTemporalCluster } from '../temporal-cluster';

export type ChaosEngineName = 'dev' | 'cluster';

/** A server process chaos may SIGKILL and start again. */
export interface ChaosVictim {
  readonly label: string;
  readonly pid: number;
  stop(options?: StopOptions): Promise<void>;
  restart(): Promise<void>;
}

export interface ChaosEngine {
  readonly name: ChaosEngineName;
  /** The clients' frontend. */
  readonly address: string;
  readonly description: string;
  /** What the next disruption kills. */
  nextVictim(): ChaosVictim;
  /** Synchronous best effort, for exit handlers. */
  killSync(): void;
  stop(): Promise<void>;
}

export async function startChaosEngine(name: ChaosEngineName, workDir: string): Promise<ChaosEngine> {
  if (name === 'dev') {
    const temporal = await startTemporalDevServer({
      dbFile: path.join(workDir, 'temporal.db'),
      logFile: path.join(workDir, 'temporal.log'),
    });
    const victim: ChaosVictim = {
      label: 'the Temporal dev server',
      get pid() {
        return temporal.pid;
      },
      stop: (o) => temporal.stop(o),
      restart: () => temporal.restart(),
    };
    return {
      name,
      address: temporal.address,
      description: `Temporal dev server ${temporal.address} (UI ${temporal.uiUrl})`,
      nextVictim: () => victim,
      killSync: () => killProcessGroupSync(temporal.pid, 'SIGKILL'),
      stop: () => temporal.stop(),
    };
  }
  const cluster = await startTemporalCluster({ nodes: 3, dir: path.join(workDir, 'cluster') });
  const others = cluster.nodes.slice(1);
  let kills = 0;
  return {
    name,
    address: cluster.address,
    description: `Temporal server cluster on PostgreSQL, nodes ${cluster.nodes.map((n) => n.ip).join(', ')}, clients on ${cluster.address}`,
    nextVictim: () => {
      const node = others[kills++ % others.length]!;
      return {
        label: `cluster node ${node.index} (${node.ip}, not the clients' frontend)`,
        get pid() {
          return node.pid;
        },
        stop: (o) => node.stop(o),
        restart: () => node.restart(),
      };
    },
    killSync: () => {
      for (const node of cluster.nodes) killProcessGroupSync(node.pid, 'SIGKILL');
      killProcessGroupSync(cluster.postgres.pid, 'SIGKILL');
    },
    stop: () => cluster.stop(),
  };
}
