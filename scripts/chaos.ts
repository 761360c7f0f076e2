// npm run chaos -- [--engine dev|cluster] [--runs 20] [--kill-every 10] [--server-restarts 1]
//                  [--max-kills N] [--seed 1] [--timeout 1800] [--lag 1-5] [--raw-moto]
//                  [--data 2] [--data-kills N] [--out .data/chaos-report.json]
// Runs N setups and teardowns through the fault proxy and the AWS-faithful layer (lag in seconds;
// --raw-moto leaves the layer out) on its own servers while the worker is SIGKILLed and the
// Temporal dev server restarted (--engine cluster: the Temporal server on PostgreSQL, three nodes,
// whose non-frontend nodes are killed and restarted instead), audits moto, prints a table, writes
// JSON. --data N also runs N database lifecycles alongside (protect, failover, re-protect,
// failback; 0 for none), with lost answers and --data-kills worker SIGKILLs (default 2 per data run)
// aimed at their writes in flight, and audits them (harness/chaos/audit-data.ts).
// Exits 1 on any duplicate, leak, wrong state, failed, lost or stuck run, second replica, lost
// report, deleted database, double switch or unreported promotion; 2 on bad flags.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runChaos, type ChaosOptions } from '../harness/chaos';
import { CHAOS_PROFILE, parseRange } from '../harness/faithful/options';
import { DATA_STEPS, stepSucceeded } from '../harness/chaos/data-run';
import { formatChaosTable, formatFindings } from '../harness/chaos/report';
import { ROOT } from '../harness/stack';

function numberFlag(values: Record<string, string | boolean | undefined>, name: string): number | undefined {
  const text = values[name];
  if (typeof text === 'boolean') throw new Error(`--${name} takes a number`);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${text}"`);
  return n;
}

async function run(): Promise<number> {
  let options: ChaosOptions;
  let out: string;
  try {
    const { values } = parseArgs({
      options: {
        engine: { type: 'string' },
        runs: { type: 'string' },
        'kill-every': { type: 'string' },
        'server-restarts': { type: 'string' },
        'max-kills': { type: 'string' },
        seed: { type: 'string' },
        timeout: { type: 'string' },
        lag: { type: 'string' },
        'raw-moto': { type: 'boolean' },
        data: { type: 'string' },
        'data-kills': { type: 'string' },
        out: { type: 'string' },
      },
      strict: true,
    });
    const n = (name: string) => numberFlag(values, name);
    const runs = n('runs');
    if (runs !== undefined && (!Number.isInteger(runs) || runs < 1))
      throw new Error('--runs must be a whole number of at least 1');
    const data = n('data');
    if (data !== undefined && !Number.isInteger(data)) throw new Error('--data must be a whole number');
    const engine = values.engine ?? 'dev';
    if (engine !== 'dev' && engine !== 'cluster') throw new Error(`--engine must be dev or cluster, got "${engine}"`);
    options = {
      engine,
      ...(runs !== undefined ? { runs } : {}),
      ...(n('kill-every') !== undefined ? { killEverySeconds: n('kill-every') } : {}),
      ...(n('server-restarts') !== undefined ? { serverRestarts: n('server-restarts') } : {}),
      ...(n('max-kills') !== undefined ? { maxWorkerKills: n('max-kills') } : {}),
      ...(n('seed') !== undefined ? { seed: n('seed') } : {}),
      ...(n('timeout') !== undefined ? { timeoutSeconds: n('timeout') } : {}),
      ...(data !== undefined ? { dataRuns: data } : {}),
      ...(n('data-kills') !== undefined ? { dataKills: n('data-kills') } : {}),
    };
    if (values['raw-moto']) options.faithful = false;
    else if (values.lag !== undefined) {
      const lag = parseRange(values.lag, '--lag');
      options.faithful = { ...CHAOS_PROFILE, lagSeconds: lag };
    }
    out = path.resolve(values.out ?? path.join(ROOT, '.data', 'chaos-report.json'));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }

  const report = await runChaos(options);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(formatChaosTable(report));
  if (report.findings.length) console.log(`\nFindings:\n${formatFindings(report.findings)}`);
  const unfinished = report.runs.filter((r) => r.setup.status !== 'COMPLETED' || r.teardown?.status !== 'COMPLETED');
  for (const r of unfinished.slice(0, 10)) {
    const w = r.setup.status !== 'COMPLETED' ? r.setup : r.teardown;
    console.log(
      `  ${w?.status ?? 'NOT_STARTED'} ${w?.workflowId ?? r.teardownId}: ${(w?.error ?? '').split('\n').join(' | ')}`,
    );
  }
  for (const d of report.dataRuns ?? []) {
    const step = DATA_STEPS.find((s) => d.steps[s] && !stepSucceeded(d.steps[s], s));
    const bad = step && d.steps[step];
    const why = bad?.error ?? (bad?.result as { reason?: string } | undefined)?.reason ?? '';
    if (bad) console.log(`  ${bad.status} ${bad.workflowId}: ${why.split('\n').join(' | ')}`);
  }
  console.log(
    `\nReport: ${path.relative(process.cwd(), out)}; logs and the SQLite history in ${path.relative(process.cwd(), report.logs.dir ?? '')}`,
  );
  return report.passed ? 0 : 1;
}

// Ctrl-C: exit normally so the runner's exit hook kills the servers and worker it started.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

run().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
