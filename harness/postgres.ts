/**
 * A private PostgreSQL for a test's Temporal cluster: initdb'd and started exactly as
 * `STACK_ENGINE=cluster npm run stack:up` does (scripts/lib/postgres.sh: Debian's package, a
 * loopback port, password authentication, the postgres user when running as root), in a directory
 * of the test's own.
 */
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ManagedServer, startAndWait, type ManagedProcess } from './managed-server';
import { type StopOptions } from './processes';
import { ROOT } from './root';

export interface Postgres extends ManagedProcess {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Random, made by initdb's caller, kept in `dir` (mode 600). */
  readonly password: string;
  readonly dir: string;
  /** Runs one SQL statement with psql on `database`; rows as arrays of column texts. */
  query(database: string, sql: string): Promise<string[][]>;
}

const LIB = ['common.sh', 'postgres.sh'].map((f) => `source ${JSON.stringify(path.join(ROOT, 'scripts', 'lib', f))}`);

/** pg_init, then the postmaster's command line, from the stack's own shell library. */
function initAndArgv(dir: string, port: number): { argv: string[]; bindir: string } {
  const script = [...LIB, 'pg_init >&2', 'pg_server_argv', 'pg_bindir', 'printf "%s\\0" "${PG_SERVER_ARGV[@]}"'];
  const out = spawnSync('bash', ['-c', script.join(' && ')], {
    env: { ...process.env, PG_DIR: dir, PG_PORT: String(port) },
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`initdb in ${dir} failed (exit ${out.status}):\n${out.stderr}${out.stdout}`);
  const [bindir, ...rest] = out.stdout.split('\n');
  return { bindir: bindir!, argv: rest.join('\n').split('\0').filter(Boolean) };
}

function pgReady(bindir: string, port: number): Promise<boolean> {
  return new Promise((resolve) =>
    execFile(path.join(bindir, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-t', '2'], (err) =>
      resolve(!err),
    ),
  );
}

export async function startPostgres(options: { dir: string; port: number }): Promise<Postgres> {
  const { dir, port } = options;
  fs.mkdirSync(dir, { recursive: true });
  const { argv, bindir } = initAndArgv(dir, port);
  const password = fs.readFileSync(path.join(dir, 'db-password'), 'utf8').trim();
  const logFile = path.join(dir, 'postgres.log');
  const start = () =>
    startAndWait(
      `PostgreSQL on 127.0.0.1:${port}`,
      argv[0]!,
      argv.slice(1),
      logFile,
      () => pgReady(bindir, port),
      30_000,
    );
  const psql = path.join(bindir, 'psql');
  const query = (database: string, sql: string) =>
    new Promise<string[][]>((resolve, reject) =>
      execFile(
        psql,
        ['-h', '127.0.0.1', '-p', String(port), '-U', 'temporal', '-d', database, '-AtF', '\t', '-c', sql],
        { env: { ...process.env, PGPASSWORD: password }, timeout: 10_000 },
        (err, stdout, stderr) =>
          err
            ? reject(new Error(`psql: ${stderr || err.message}`))
            : resolve(
                stdout
                  .split('\n')
                  .filter(Boolean)
                  .map((l) => l.split('\t')),
              ),
      ),
    );
  const server = new ManagedServer(0, logFile, start, [port]);
  await server.restart();
  return {
    get pid() {
      return server.pid;
    },
    logFile,
    // SIGINT is PostgreSQL's fast shutdown: the postmaster ends its own backends.
    stop: (o: StopOptions = {}) => server.stop({ signal: 'SIGINT', ...o }),
    restart: () => server.restart(),
    host: '127.0.0.1',
    port,
    user: 'temporal',
    password,
    dir,
    query,
  };
}
