/**
 * docker-compose.yml as Debian's docker-compose reads it (`config` resolves and validates the file;
 * no Docker engine runs here), plus the files it mounts and builds from.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../../harness/stack';
import { TEMPORAL_SERVER_BIN, TEMPORAL_SERVER_VERSION } from '../../harness/temporal-cluster';

const run = promisify(execFile);

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  entrypoint?: string[];
  command?: string[];
  volumes?: string[];
  ports?: Array<{ target: number; published?: number; host_ip?: string } | string>;
  network_mode?: string;
}

interface RenderedConfig {
  persistence: { datastores: Record<string, { sql: Record<string, unknown> }> };
  global: { membership: { broadcastAddress: string } };
  services: Record<string, { rpc: { grpcPort: number; membershipPort: number; bindOnIP: string } }>;
}

/**
 * The host address a published port binds, as Docker reads a port spec: `[IP:][HOST:]CONTAINER[/proto]`
 * (no IP: every interface; no host port: a random one) or the long syntax's `host_ip`.
 */
function hostIpOf(port: { target: number; host_ip?: string } | string): string {
  if (typeof port !== 'string') return port.host_ip ?? '0.0.0.0';
  const parts = port.replace(/\/\w+$/, '').split(':');
  return parts.length === 3 ? parts[0]! : '0.0.0.0';
}

/** YAML to JSON by the Python that docker-compose runs on. */
async function yamlToJsonText(yaml: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = execFile(
      '/usr/bin/python3',
      ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
      (err, out) => (err ? reject(new Error(err.message)) : resolve(out)),
    );
    child.stdin?.end(yaml);
  });
}

/** `docker-compose config`, turned from YAML into JSON by the Python that docker-compose runs on. */
async function composeConfig(env: Record<string, string> = {}): Promise<{ services: Record<string, ComposeService> }> {
  const bin = await run('sh', ['-c', 'command -v docker-compose']).then(
    (r) => r.stdout.trim(),
    () => {
      throw new Error(
        'docker-compose is not installed; scripts/ensure-tools.sh installs it with apt when run as root (npm test runs it), or: sudo apt-get install -y docker-compose',
      );
    },
  );
  const { stdout } = await run(bin, ['-f', 'docker-compose.yml', 'config'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  return JSON.parse(await yamlToJsonText(stdout)) as { services: Record<string, ComposeService> };
}

describe('docker-compose.yml', () => {
  it('GIVEN the compose file WHEN docker-compose config resolves it THEN it has PostgreSQL, Temporal with its schema and init jobs, the UI, moto and the worker, started in order', async () => {
    const { services } = await composeConfig();

    expect(Object.keys(services).sort()).toEqual([
      'moto',
      'postgresql',
      'temporal',
      'temporal-2',
      'temporal-init',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(services.moto?.image).toMatch(/^motoserver\/moto:/);
    expect(services.temporal?.depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    // Node 2 joins once node 1 has written the new cluster's metadata.
    expect(services['temporal-2']?.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    expect(services.worker?.depends_on).toEqual({ 'temporal-init': { condition: 'service_completed_successfully' } });
    expect(services.worker?.build?.context).toBe(ROOT);
    expect(services.worker?.environment).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_TASK_QUEUE: 'vpc-peering',
      METRICS_BIND_ADDRESS: '0.0.0.0:9464',
    });
  });

  it('GIVEN both Temporal nodes WHEN their service is resolved THEN they run the server version this machine builds, with the same deploy/temporal/cluster.yaml, and the jobs use the matching admin tools', async () => {
    const { services } = await composeConfig();

    for (const name of ['temporal', 'temporal-2']) {
      const node = services[name]!;
      expect({ name, image: node.image }).toEqual({ name, image: `temporalio/server:${TEMPORAL_SERVER_VERSION}` });
      expect(node.volumes).toEqual([`${path.join(ROOT, 'deploy')}:/etc/temporal/deploy:ro`]);
      expect(node.command?.join(' ')).toContain(
        'exec temporal-server --root /etc/temporal/deploy --config temporal --env cluster --allow-no-auth start',
      );
      expect(node.environment).toMatchObject({ TEMPORAL_DB_HOST: 'postgresql', TEMPORAL_BIND_IP: '0.0.0.0' });
    }
    for (const job of ['temporal-schema', 'temporal-init']) {
      expect({ job, image: services[job]?.image }).toEqual({
        job,
        image: `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`,
      });
    }
  });

  it("GIVEN node 1's environment from compose WHEN temporal-server renders deploy/temporal/cluster.yaml with it THEN the node binds every interface, broadcasts its own address, stores in postgresql:5432 and keeps its membership ports within a smallint", async () => {
    const { services } = await composeConfig();
    const env = { ...services.temporal!.environment, TEMPORAL_BROADCAST_ADDRESS: '172.18.0.5' };

    const { stdout } = await run(
      TEMPORAL_SERVER_BIN,
      ['--config', 'deploy/temporal', '--env', 'cluster', 'render-config'],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } },
    );
    const rendered = JSON.parse(await yamlToJsonText(stdout)) as RenderedConfig;

    const sql = rendered.persistence.datastores['postgres-default']!.sql;
    expect(sql).toMatchObject({ pluginName: 'postgres12', connectAddr: 'postgresql:5432', user: 'temporal' });
    expect(rendered.global.membership.broadcastAddress).toBe('172.18.0.5');
    expect(rendered.services.frontend!.rpc.grpcPort).toBe(7233);
    for (const [name, service] of Object.entries(rendered.services)) {
      expect({ name, bindOnIP: service.rpc.bindOnIP }).toEqual({ name, bindOnIP: '0.0.0.0' });
      expect(service.rpc.membershipPort).toBeLessThanOrEqual(32767);
    }
    expect(Object.keys(rendered.services).sort()).toEqual(['frontend', 'history', 'matching', 'worker']);
  });

  it("GIVEN the compose file WHEN docker-compose config resolves it THEN every published port, the scaled workers' metrics too, binds 127.0.0.1 and no service shares the host network", async () => {
    const { services } = await composeConfig();

    const published = Object.entries(services).flatMap(([name, s]) =>
      (s.ports ?? []).map((port) => ({ name, port: JSON.stringify(port), hostIp: hostIpOf(port) })),
    );
    expect(published.map((p) => p.name).sort()).toEqual(['moto', 'temporal', 'temporal-ui', 'worker']);
    expect(published.filter((p) => p.hostIp !== '127.0.0.1')).toEqual([]);
    expect(Object.entries(services).filter(([, s]) => s.network_mode === 'host')).toEqual([]);
  });

  it('GIVEN no settings WHEN the Web UI is resolved THEN its write actions are off; GIVEN TEMPORAL_DISABLE_WRITE_ACTIONS=false THEN they are on', async () => {
    const readOnly = (await composeConfig()).services['temporal-ui']?.environment;
    const writable = (await composeConfig({ TEMPORAL_DISABLE_WRITE_ACTIONS: 'false' })).services['temporal-ui']
      ?.environment;

    expect(readOnly?.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
    expect(writable?.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('false');
  });

  it("GIVEN no settings WHEN the worker's environment is resolved THEN it talks to moto; GIVEN WORKER_ENV_FILE=deploy/worker-aws.env.example THEN it has no endpoint override and no keys at all, so the SDK's chain (a role or a profile) talks to AWS", async () => {
    const tryOut = (await composeConfig()).services.worker?.environment;
    const real = (await composeConfig({ WORKER_ENV_FILE: 'deploy/worker-aws.env.example' })).services.worker
      ?.environment;
    const example = fs.readFileSync(path.join(ROOT, 'deploy', 'worker-aws.env.example'), 'utf8');

    expect(tryOut).toMatchObject({ AWS_ENDPOINT_URL: 'http://moto:5000', AWS_ACCESS_KEY_ID: 'test' });
    expect(real).toMatchObject({ AWS_REGION: 'us-east-1', TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(
      Object.keys(real ?? {}).filter((k) => k.startsWith('AWS_ENDPOINT_URL') || /SECRET|KEY_ID|TOKEN/.test(k)),
    ).toEqual([]);
    expect(example).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/);
  });

  it('GIVEN .gitignore WHEN git checks the env files THEN a filled-in deploy/worker-aws.env (or any other deploy/*.env) stays out of the repo, and the example and the try-out file stay in', async () => {
    const ignored = async (file: string) =>
      run('git', ['check-ignore', '-q', file], { cwd: ROOT }).then(
        () => true,
        (err: { code?: number }) => (err.code === 1 ? false : Promise.reject(err as Error)),
      );

    expect(await ignored('deploy/worker-aws.env')).toBe(true);
    expect(await ignored('deploy/prod.env')).toBe(true);
    expect(await ignored('deploy/worker-aws.env.example')).toBe(false);
    expect(await ignored('deploy/worker-moto.env')).toBe(false);
  });

  it('GIVEN the init job WHEN its script is read THEN it registers every search attribute the workflows upsert, as Keyword', () => {
    const script = fs.readFileSync(path.join(ROOT, 'deploy', 'temporal-init.sh'), 'utf8');
    const declared = [
      ...fs
        .readFileSync(path.join(ROOT, 'src', 'domain', 'search-attributes.ts'), 'utf8')
        .matchAll(/defineSearchAttributeKey\('(\w+)', SearchAttributeType\.KEYWORD\)/g),
    ].map((m) => m[1]);
    const registered = /SEARCH_ATTRIBUTES="([^"]+)"/.exec(script)?.[1]?.split(/\s+/) ?? [];

    expect(declared.length).toBeGreaterThanOrEqual(4);
    expect(registered).toEqual(expect.arrayContaining(declared));
    expect(script).toContain('--type Keyword');
  });

  it('GIVEN the worker image WHEN its Dockerfile and .dockerignore are read THEN a build stage compiles the worker and its workflow bundle, and the image runs lib/src/worker.js with production dependencies only and no ts-node', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const ignored = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    const [build, runtime] = dockerfile.split(/^FROM /m).slice(1);

    expect(build).toMatch(/^node:20-slim AS build$/m);
    expect(build).toMatch(/^RUN npm run build$/m);
    expect(runtime).toMatch(/^node:20-slim$/m);
    expect(runtime).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(runtime).toMatch(/^COPY --from=build \/app\/lib \.\/lib$/m);
    expect(runtime).toMatch(/^CMD \["node", "lib\/src\/worker\.js"\]$/m);
    expect(runtime).not.toMatch(/ts-node|--include=dev/);
    expect(ignored).toEqual(
      expect.arrayContaining(['node_modules', '.tools', '.data', '.git', '!scripts/build-workflows.ts']),
    );
  });

  it('GIVEN the compiled worker WHEN every package it requires is looked up THEN each is a production dependency, so the image needs no dev dependency', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const sources = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
      });
    const imported = new Set(
      sources(path.join(ROOT, 'src')).flatMap((file) =>
        // `import type` is erased by the compiler: the worker never requires it at run time.
        [...fs.readFileSync(file, 'utf8').matchAll(/^(?!import type )[^\n]*from '([^'.][^']*)'/gm)]
          .map((m) => m[1]!)
          .filter((spec) => !spec.startsWith('node:'))
          .map((spec) =>
            spec
              .split('/')
              .slice(0, spec.startsWith('@') ? 2 : 1)
              .join('/'),
          ),
      ),
    );

    expect(imported.size).toBeGreaterThan(5);
    expect([...imported].filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });
});
