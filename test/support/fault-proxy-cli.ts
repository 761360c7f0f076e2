// Standalone fault proxy for a chaos harness in another process:
//   npx ts-node --transpile-only test/support/fault-proxy-cli.ts \
//     --target http://127.0.0.1:5000 --port 5001 [--rules rules.json] [--seed 42] [--host 127.0.0.1]
// Point AWS_ENDPOINT_URL at it. Control while running:
//   POST /__faults/rules (JSON array or { rules }), GET|DELETE /__faults/rules,
//   GET /__faults/stats, DELETE /__faults/stats.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseRules, startFaultProxy } from './fault-proxy';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: '1' },
      rules: { type: 'string' },
    },
  });
  if (values.target === undefined) throw new Error('--target <moto url> is required');
  const proxy = await startFaultProxy({
    target: values.target,
    port: Number(values.port),
    host: values.host,
    seed: Number(values.seed),
    controlEndpoint: true,
  });
  if (values.rules !== undefined) proxy.setRules(parseRules(JSON.parse(readFileSync(values.rules, 'utf8'))));
  // The harness waits for this line to learn the URL (the port may be 0 = pick a free one).
  console.log(`fault-proxy listening on ${proxy.url} -> ${values.target} (${proxy.rules().length} rules)`);

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
