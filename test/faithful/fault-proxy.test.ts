/** The fault proxy in front of moto: the rule kinds other than peering state, rates, seeds and counts. */
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateHostedZoneCommand, ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { startFaultProxy } from '../../harness/fault-proxy';
import { createTaggedVpc, credentials, failureOf, REQUESTER, useProxiedMoto } from '../support/proxied-moto';

const env = useProxiedMoto();
const { viaProxy, countVpcsNamed } = env;

describe('fault proxy in front of moto', () => {
  test('GIVEN no rules WHEN EC2 calls go through the proxy THEN they reach moto and are counted', async () => {
    await createTaggedVpc(viaProxy(), 'plain');
    await viaProxy().send(new DescribeVpcsCommand({}));

    expect(await countVpcsNamed('plain')).toBe(1);
    const stats = env.proxy.stats();
    expect(stats.requests).toBe(2);
    expect(stats.forwarded).toBe(2);
    expect(stats.byAction).toEqual({ CreateVpc: 1, DescribeVpcs: 1 });
    expect(stats.mutatingRequests).toEqual(['CreateVpc']);
    expect(stats.injected).toEqual({});
  });

  test('GIVEN a throttle rule WHEN CreateVpc is called THEN the SDK sees RequestLimitExceeded and nothing reached moto', async () => {
    env.proxy.setRules([{ kind: 'throttle', service: 'ec2', action: 'CreateVpc' }]);

    const err = await failureOf(createTaggedVpc(viaProxy(), 'throttled'));

    expect(err.name).toBe('RequestLimitExceeded');
    expect(err.$metadata?.httpStatusCode).toBe(503);
    expect(await countVpcsNamed('throttled')).toBe(0);
    expect(env.proxy.stats()).toMatchObject({
      forwarded: 0,
      injected: { throttle: 1 },
      mutatingRequests: ['CreateVpc'],
    });
  });

  test('GIVEN an error rule with defaults WHEN DescribeVpcs is called THEN the SDK sees a 500 InternalError', async () => {
    env.proxy.setRules([{ kind: 'error', action: /^Describe/ }]);

    const err = await failureOf(viaProxy().send(new DescribeVpcsCommand({})));

    expect(err.name).toBe('InternalError');
    expect(err.$metadata?.httpStatusCode).toBe(500);
    expect(env.proxy.stats().injected).toEqual({ error: 1 });
  });

  test('GIVEN an error rule with a custom code WHEN the call fails THEN err.name is that code', async () => {
    env.proxy.setRules([
      { kind: 'error', status: 400, code: 'UnauthorizedOperation', message: 'You are not authorized' },
    ]);

    const err = await failureOf(viaProxy().send(new DescribeVpcsCommand({})));

    expect(err.name).toBe('UnauthorizedOperation');
    expect(err.message).toBe('You are not authorized');
  });

  test('GIVEN an error rule for RDS WHEN an RDS call fails THEN the query-protocol error shape surfaces the code', async () => {
    env.proxy.setRules([{ kind: 'error', service: 'rds', status: 400, code: 'DBInstanceNotFound', message: 'gone' }]);
    const rds = new RDSClient({ region: REQUESTER, endpoint: env.proxy.url, credentials, maxAttempts: 1 });

    const err = await failureOf(rds.send(new DescribeDBInstancesCommand({})));

    // RDS models this code, so the SDK names the error after its class.
    expect(err.name).toBe('DBInstanceNotFoundFault');
    expect(err.message).toBe('gone');
    // The rule targets rds only: EC2 still passes.
    await expect(viaProxy().send(new DescribeVpcsCommand({}))).resolves.toBeDefined();
  });

  test('GIVEN a Route 53 rule on method and path WHEN zones are created and listed THEN only the matching call fails', async () => {
    env.proxy.setRules([
      {
        kind: 'error',
        service: 'route53',
        action: /^GET .*\/hostedzone$/,
        status: 400,
        code: 'Throttling',
        message: 'Rate exceeded',
      },
    ]);
    const r53 = new Route53Client({ region: REQUESTER, endpoint: env.proxy.url, credentials, maxAttempts: 1 });

    const zone = await r53.send(
      new CreateHostedZoneCommand({ Name: 'dr.example.internal', CallerReference: 'fault-proxy-test' }),
    );
    const err = await failureOf(r53.send(new ListHostedZonesCommand({})));

    expect(zone.HostedZone?.Id).toBeDefined();
    expect(err.name).toBe('Throttling');
    expect(Object.keys(env.proxy.stats().byAction).sort()).toEqual([
      'GET /2013-04-01/hostedzone',
      'POST /2013-04-01/hostedzone',
    ]);
  });

  test('GIVEN lose-response on CreateVpc WHEN called without retries THEN the client gets a network error but moto created the VPC', async () => {
    env.proxy.setRules([{ kind: 'lose-response', action: 'CreateVpc', count: 1 }]);

    const err = await failureOf(createTaggedVpc(viaProxy(), 'lost'));

    expect(err.code ?? err.message).toMatch(/ECONNRESET|socket hang up/);
    expect(await countVpcsNamed('lost')).toBe(1);
    expect(env.proxy.stats()).toMatchObject({ forwarded: 1, injected: { 'lose-response': 1 } });
  });

  test('GIVEN lose-response once WHEN the SDK retries by default THEN the call "succeeds" and a duplicate VPC exists', async () => {
    env.proxy.setRules([{ kind: 'lose-response', action: 'CreateVpc', count: 1 }]);

    const out = await createTaggedVpc(viaProxy(REQUESTER, 3), 'duplicated');

    expect(out.Vpc?.VpcId).toBeDefined();
    // The trap: CreateVpc has no ClientToken, so the transparent retry created a second VPC.
    expect(await countVpcsNamed('duplicated')).toBe(2);
    expect(env.proxy.stats().mutatingRequests).toEqual(['CreateVpc', 'CreateVpc']);
  });

  test('GIVEN a latency rule WHEN DescribeVpcs is called THEN it takes at least that long', async () => {
    env.proxy.setRules([{ kind: 'latency', action: 'DescribeVpcs', ms: 400 }]);

    const started = Date.now();
    await viaProxy().send(new DescribeVpcsCommand({}));

    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(env.proxy.stats().injected).toEqual({ latency: 1 });
  });

  test('GIVEN a rate rule and a seed WHEN the same calls are replayed on a new proxy with that seed THEN the same calls fail', async () => {
    const pattern = async (seed: number): Promise<string> => {
      const p = await startFaultProxy({ target: env.motoUrl, seed });
      p.setRules([{ kind: 'error', action: 'DescribeVpcs', rate: 0.5 }]);
      const client = new EC2Client({ region: REQUESTER, endpoint: p.url, credentials, maxAttempts: 1 });
      let out = '';
      for (let i = 0; i < 20; i++) {
        out += await client.send(new DescribeVpcsCommand({})).then(
          () => '.',
          () => 'x',
        );
      }
      await p.close();
      return out;
    };

    const first = await pattern(7);

    expect(await pattern(7)).toBe(first);
    expect(first).toMatch(/x/);
    expect(first).toMatch(/\./);
    expect(await pattern(8)).not.toBe(first);
  });

  test('GIVEN a rule with count 2 WHEN called three times THEN the first two fail and the rule is then spent', async () => {
    env.proxy.setRules([{ kind: 'error', action: 'DescribeVpcs', count: 2 }]);
    const client = viaProxy();

    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(
        await client.send(new DescribeVpcsCommand({})).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      );
    }

    expect(results).toEqual(['InternalError', 'InternalError', 'ok']);
    expect(env.proxy.stats().injected).toEqual({ error: 2 });
  });

  test('GIVEN two throttles then success WHEN the SDK retries by default THEN the call succeeds on the third attempt', async () => {
    env.proxy.setRules([{ kind: 'throttle', action: 'DescribeVpcs', count: 2 }]);

    await viaProxy(REQUESTER, 3).send(new DescribeVpcsCommand({}));

    expect(env.proxy.stats()).toMatchObject({ requests: 3, forwarded: 1, injected: { throttle: 2 } });
  });
});
