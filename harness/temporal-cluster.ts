/**
 * The production engine for tests: Temporal server v1.29.1 (built by scripts/ensure-tools.sh) on
 * PostgreSQL, several nodes in one membership ring, node N on 127.0.0.N, every node running every
 * service and reading deploy/temporal/cluster.yaml, as `STACK_ENGINE=cluster npm run stack:up` and
 * docker-compose.yml run it. Clients use node 1's frontend. Ports are picked free (membership ports
 * at most 32767: the membership table stores them as a smallint), so it runs beside a local stack.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManagedServer, startAndWait, type ManagedProcess } from './managed-server';
import { startPostgres, type Postgres } from './postgres';
import { ROOT } from './root';
import { DEFAULT_TEMPORAL_BIN } from './temporal-dev-server';
import { freePort, waitFor } from './wait';

const TOOLS = path.join(ROOT, '.tools', 'bin');
export const TEMPORAL_SERVER_BIN = path.join(TOOLS, 'temporal-server');
/** The server version the stack builds, from its one home in scripts/lib/common.sh. */
export const TEMPORAL_SERVER_VERSION = /^TEMPORAL_SERVER_VERSION="([^"]+)"/m.exec(
  fs.readFileSync(path.join(ROOT, 'scripts', 'lib', 'common.sh'), 'utf8'),
)![1]!;

export interface ClusterNode extends ManagedProcess {
  /** 1-based; node 1 holds the clients' frontend. */
  readonly index: number;
  readonly ip: string;
  /** This node's own frontend. */
  readonly frontend: string;
}

export interface TemporalCluster {
  /** The clients' frontend: node 1's. */
  readonly address: string;
  readonly nodes: ClusterNode[];
  readonly postgres: Postgres;
  readonly dir: string;
  /** Addresses of the nodes whose history role heartbeats in the ring now. */
  historyMembers(): Promise<string[]>;
  /** History shard id → address of the node that owns it. */
  shardOwners(): Promise<Record<number, string>>;
  stop(): Promise<void>;
}

export interface TemporalClusterOptions {
  /** @default 3 */
  nodes?: number;
  /** Removed by stop() only when the cluster made it. @default a new temporary directory */
  dir?: string;
  /** Fixed for the database's life. @default 4, as in deploy/temporal/cluster.yaml */
  historyShards?: number;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    ),
  );
}

function bindable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A port free on every node address: the OS's pick, or for membership one in 20000–32767. */
async function portOnAll(ips: string[], taken: Set<number>, membership: boolean): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = membership ? 20_000 + Math.floor(Math.random() * 12_700) : await freePort();
    if (taken.has(port)) continue;
    if ((await Promise.all(ips.map((ip) => bindable(ip, port)))).every(Boolean)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no port free on all of ${ips.join(', ')}`);
}

/** The server module's PostgreSQL schema, from the Go module cache (fetched again if it was cleaned). */
async function schemaDir(): Promise<string> {
  const out = await run('go', ['mod', 'download', '-json', `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`], {
    ...process.env,
  });
  return path.join((JSON.parse(out) as { Dir: string }).Dir, 'schema', 'postgresql', 'v12');
}

/** Runs a deploy/ script (those compose's one-shot jobs run) with .tools/bin first on PATH. */
function deployScript(script: string, env: Record<string, string>): Promise<string> {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TEMPORAL_')) base[k] = v;
  return run('sh', [path.join(ROOT, 'deploy', script)], { ...base, PATH: `${TOOLS}:${process.env.PATH}`, ...env });
}

async function frontendServing(address: string): Promise<boolean> {
  const out = await run(
    DEFAULT_TEMPORAL_BIN,
    ['operator', 'cluster', 'health', '--address', address, '--disable-config-env', '--disable-config-file'],
    { PATH: process.env.PATH ?? '' },
    5_000,
  );
  return out.includes('SERVING');
}

export async function startTemporalCluster(options: TemporalClusterOptions = {}): Promise<TemporalCluster> {
  if (!fs.existsSync(TEMPORAL_SERVER_BIN)) {
    throw new Error(`${TEMPORAL_SERVER_BIN} is missing; run: bash scripts/ensure-tools.sh`);
  }
  const count = options.nodes ?? 3;
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-cluster-'));
  const ips = Array.from({ length: count }, (_, i) => `127.0.0.${i + 1}`);
  const taken = new Set<number>();
  const port = (membership = false) => portOnAll(ips, taken, membership);
  const ports = {
    TEMPORAL_FRONTEND_PORT: await port(),
    TEMPORAL_FRONTEND_HTTP_PORT: await port(),
    TEMPORAL_HISTORY_PORT: await port(),
    TEMPORAL_MATCHING_PORT: await port(),
    TEMPORAL_WORKER_PORT: await port(),
    TEMPORAL_FRONTEND_MEMBERSHIP_PORT: await port(true),
    TEMPORAL_HISTORY_MEMBERSHIP_PORT: await port(true),
    TEMPORAL_MATCHING_MEMBERSHIP_PORT: await port(true),
    TEMPORAL_WORKER_MEMBERSHIP_PORT: await port(true),
  };
  const address = `127.0.0.1:${ports.TEMPORAL_FRONTEND_PORT}`;
  const postgres = await startPostgres({ dir: path.join(dir, 'pg'), port: await freePort() });
  const nodes: ClusterNode[] = [];
  const stop = async () => {
    for (const node of [...nodes].reverse()) await node.stop();
    await postgres.stop();
    if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await deployScript('temporal-schema.sh', {
      SQL_HOST: postgres.host,
      SQL_PORT: String(postgres.port),
      SQL_USER: postgres.user,
      SQL_PASSWORD: postgres.password,
      TEMPORAL_SCHEMA_DIR: await schemaDir(),
    });
    // One after the other: nodes starting together on an empty database race to write its metadata.
    for (const [i, ip] of ips.entries()) nodes.push(await startNode(i + 1, ip));
    await deployScript('temporal-init.sh', { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default' });
    await waitFor(async () => (await historyMembers()).length === count, {
      what: `all ${count} nodes in the membership ring`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });
  } catch (err) {
    await stop();
    throw err;
  }

  async function startNode(index: number, ip: string): Promise<ClusterNode> {
    const frontend = `${ip}:${ports.TEMPORAL_FRONTEND_PORT}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      TEMPORAL_BIND_IP: ip,
      TEMPORAL_DB_HOST: postgres.host,
      TEMPORAL_DB_PORT: String(postgres.port),
      TEMPORAL_DB_USER: postgres.user,
      TEMPORAL_DB_PASSWORD: postgres.password,
      TEMPORAL_FRONTEND_ADDRESS: address,
      TEMPORAL_DYNAMIC_CONFIG_FILE: path.join(ROOT, 'deploy', 'temporal', 'dynamicconfig', 'cluster.yaml'),
      TEMPORAL_HISTORY_SHARDS: String(options.historyShards ?? 4),
    };
    const logFile = path.join(dir, `node-${index}.log`);
    const args = ['--root', path.join(ROOT, 'deploy'), '--config', 'temporal', '--env', 'cluster'];
    const start = () =>
      startAndWait(
        `Temporal server node ${index} on ${frontend}`,
        TEMPORAL_SERVER_BIN,
        [...args, '--allow-no-auth', 'start'],
        logFile,
        () => frontendServing(frontend),
        90_000,
        env,
      );
    // Its ports are on its own address; a SIGKILLed process frees them at once.
    const server = new ManagedServer(0, logFile, start, []);
    await server.restart();
    return Object.assign(server, { index, ip, frontend });
  }

  async function historyMembers(): Promise<string[]> {
    // Role 2 is history; rows outlive their node, so only a recent heartbeat counts.
    const rows = await postgres.query(
      'temporal',
      `SELECT DISTINCT rpc_address FROM cluster_membership WHERE role = 2 AND last_heartbeat > (now() AT TIME ZONE 'UTC') - interval '15 seconds' ORDER BY 1`,
    );
    return rows.map((r) => r[0]!);
  }

  async function shardOwners(): Promise<Record<number, string>> {
    // The owner's address sits as text inside each shard's serialized ShardInfo.
    const rows = await postgres.query(
      'temporal',
      `SELECT shard_id, substring(encode(data, 'escape') from '127\\.0\\.0\\.[0-9]+') FROM shards ORDER BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [Number(r[0]), r[1] ?? '']));
  }

  return { address, nodes, postgres, dir, historyMembers, shardOwners, stop };
}
