/**
 * The standalone fault proxy (fault-proxy-cli.ts), for a harness in another process,
 * driven over its control endpoint.
 */
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { credentials, failureOf, REQUESTER, useProxiedMoto } from '../support/proxied-moto';

const env = useProxiedMoto();

describe('fault proxy in front of moto: the CLI', () => {
  test('GIVEN the CLI WHEN rules are posted to its control endpoint THEN it applies them and reports stats', async () => {
    const cli = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        path.join(__dirname, '..', '..', 'harness', 'fault-proxy', 'cli.ts'),
        '--target',
        env.motoUrl,
        '--port',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        cli.stdout?.on('data', (chunk: Buffer) => {
          const m = /listening on (http:\/\/\S+)/.exec(chunk.toString());
          if (m?.[1]) resolve(m[1]);
        });
        cli.once('exit', (code) => reject(new Error(`CLI exited with ${code}`)));
      });

      const posted = await fetch(`${url}/__faults/rules`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ kind: 'throttle', action: '/^Describe/', count: 1 }]),
      });
      expect(await posted.json()).toEqual({ ok: true, rules: 1 });
      const client = new EC2Client({ region: REQUESTER, endpoint: url, credentials, maxAttempts: 1 });

      expect((await failureOf(client.send(new DescribeVpcsCommand({})))).name).toBe('RequestLimitExceeded');
      await client.send(new DescribeVpcsCommand({}));

      const stats = (await (await fetch(`${url}/__faults/stats`)).json()) as Record<string, unknown>;
      expect(stats).toMatchObject({
        requests: 2,
        forwarded: 1,
        byAction: { DescribeVpcs: 2 },
        injected: { throttle: 1 },
      });
      const rules = await (await fetch(`${url}/__faults/rules`)).json();
      expect(rules).toEqual([{ kind: 'throttle', action: '/^Describe/', count: 1 }]);
    } finally {
      cli.kill('SIGTERM');
    }
  }, 60_000);
});
