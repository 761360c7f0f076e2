// Standalone fault proxy for a harness in another process:
//   npx ts-node --transpile-only harness/fault-proxy/cli.ts \
//     --target http://127.0.0.1:5000 --port 5001 [--rules rules.json] [--seed 42] [--host 127.0.0.1]
//     [--faithful [--profile suite|stack|chaos] [--lag 0.1-0.5] [--write-lag 0.1-0.5] [--page-size 2]
//      [--purge-after 10]]
// Point AWS_ENDPOINT_URL at it. `--faithful` adds the AWS-faithful layer (harness/faithful),
// with the suite's profile unless `--profile` names another (options.ts); the flags override it.
// Control while running:
//   POST /__faults/rules (JSON array or { rules }), GET|DELETE /__faults/rules,
//   GET /__faults/stats, DELETE /__faults/stats,
//   GET|POST /__faults/timing, GET|DELETE /__faults/health-checks, PUT /__faults/health-checks/<id>
//   (faithful/layer-control.ts).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseRange, PROFILES, type FaithfulOptions, type ProfileName } from '../faithful/options';
import { parseRules, startFaultProxy } from './index';

function faithfulFrom(values: Record<string, string | boolean | undefined>): FaithfulOptions | undefined {
  if (!values.faithful) return undefined;
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const lag = text('lag');
  const writeLag = text('write-lag');
  const profile = text('profile') ?? 'suite';
  if (!(profile in PROFILES)) throw new Error(`--profile must be one of ${Object.keys(PROFILES).join(', ')}`);
  return {
    ...PROFILES[profile as ProfileName],
    ...(lag ? { lagSeconds: parseRange(lag, '--lag') } : {}),
    ...(writeLag ? { writeLagSeconds: parseRange(writeLag, '--write-lag') } : {}),
    ...(text('page-size') ? { pageSize: Number(text('page-size')) } : {}),
    ...(text('purge-after') ? { purgeAfterSeconds: Number(text('purge-after')) } : {}),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: '1' },
      rules: { type: 'string' },
      faithful: { type: 'boolean', default: false },
      profile: { type: 'string' },
      lag: { type: 'string' },
      'write-lag': { type: 'string' },
      'page-size': { type: 'string' },
      'purge-after': { type: 'string' },
    },
  });
  if (values.target === undefined) throw new Error('--target <moto url> is required');
  const faithful = faithfulFrom(values);
  const proxy = await startFaultProxy({
    target: values.target,
    port: Number(values.port),
    host: values.host,
    seed: Number(values.seed),
    controlEndpoint: true,
    ...(faithful ? { faithful } : {}),
  });
  if (values.rules !== undefined) proxy.setRules(parseRules(JSON.parse(readFileSync(values.rules, 'utf8'))));
  // The harness waits for this line to learn the URL (the port may be 0 = pick a free one).
  console.log(
    `fault-proxy listening on ${proxy.url} -> ${values.target} (${proxy.rules().length} rules` +
      `${faithful ? `, AWS-faithful layer (${values.profile ?? 'suite'} profile), lag ${faithful.lagSeconds.join('-')} s` : ''})`,
  );

  const stop = (): void => {
    proxy.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
