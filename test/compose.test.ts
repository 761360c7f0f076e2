/**
 * docker-compose.yml as Debian's docker-compose reads it (`config` resolves and validates the file;
 * no Docker engine runs here), plus the files it mounts and builds from.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './support/stack';

const run = promisify(execFile);

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  command?: string[];
  ports?: Array<{ target: number; published?: number }>;
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
  const json = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      '/usr/bin/python3',
      ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
      (err, out) => (err ? reject(new Error(err.message)) : resolve(out)),
    );
    child.stdin?.end(stdout);
  });
  return JSON.parse(json) as { services: Record<string, ComposeService> };
}

describe('docker-compose.yml', () => {
  it('GIVEN the compose file WHEN docker-compose config resolves it THEN it has PostgreSQL, Temporal with its schema and init jobs, the UI, moto and the worker, started in order', async () => {
    const { services } = await composeConfig();

    expect(Object.keys(services).sort()).toEqual([
      'moto',
      'postgresql',
      'temporal',
      'temporal-init',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
    expect(services.temporal?.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(services.temporal?.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(services.moto?.image).toMatch(/^motoserver\/moto:/);
    expect(services.temporal?.depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    expect(services.worker?.depends_on).toEqual({ 'temporal-init': { condition: 'service_completed_successfully' } });
    expect(services.worker?.build?.context).toBe(ROOT);
    expect(services.worker?.environment).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_TASK_QUEUE: 'vpc-peering',
      METRICS_BIND_ADDRESS: '0.0.0.0:9464',
    });
  });

  it("GIVEN no settings WHEN the worker's environment is resolved THEN it talks to moto; GIVEN WORKER_ENV_FILE=deploy/worker-aws.env THEN it has no endpoint override and no dummy keys, so the SDK talks to AWS", async () => {
    const tryOut = (await composeConfig()).services.worker?.environment;
    const real = (await composeConfig({ WORKER_ENV_FILE: 'deploy/worker-aws.env' })).services.worker?.environment;

    expect(tryOut).toMatchObject({ AWS_ENDPOINT_URL: 'http://moto:5000', AWS_ACCESS_KEY_ID: 'test' });
    expect(real).toMatchObject({ AWS_REGION: 'us-east-1', TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(
      Object.keys(real ?? {}).filter((k) => k.startsWith('AWS_ENDPOINT_URL') || k === 'AWS_ACCESS_KEY_ID'),
    ).toEqual([]);
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

  it('GIVEN the worker image WHEN its Dockerfile and .dockerignore are read THEN it builds from node:20-slim with npm ci and runs src/worker.ts, without local state in the context', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const ignored = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());

    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^CMD \[.*"src\/worker\.ts"\]$/m);
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.tools', '.data', '.git']));
  });
});
