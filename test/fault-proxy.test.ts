import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  AcceptVpcPeeringConnectionCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateHostedZoneCommand, ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy';
import { type MotoServer, startMoto } from './support/stack';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const REQUESTER = 'us-east-1';
const ACCEPTER = 'us-west-2';

// ---- moto, started for this file only --------------------------------------------------------

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let moto: MotoServer | undefined;
let motoUrl = '';
let proxy: FaultProxy;

beforeAll(async () => {
  moto = await startMoto();
  motoUrl = moto.url;
  proxy = await startFaultProxy({ target: motoUrl, seed: 42 });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

beforeEach(async () => {
  await fetch(`${motoUrl}/moto-api/reset`, { method: 'POST' });
  proxy.clearRules();
  proxy.resetStats();
});

// ---- clients and small AWS helpers -----------------------------------------------------------

function viaProxy(region = REQUESTER, maxAttempts = 1): EC2Client {
  return new EC2Client({ region, endpoint: proxy.url, credentials, maxAttempts });
}

function direct(region = REQUESTER): EC2Client {
  return new EC2Client({ region, endpoint: motoUrl, credentials, maxAttempts: 1 });
}

function createTaggedVpc(client: EC2Client, name: string, cidr = '10.0.0.0/16') {
  return client.send(
    new CreateVpcCommand({
      CidrBlock: cidr,
      TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: name }] }],
    }),
  );
}

async function countVpcsNamed(name: string, region = REQUESTER): Promise<number> {
  const { Vpcs = [] } = await direct(region).send(new DescribeVpcsCommand({}));
  return Vpcs.filter((v) => v.Tags?.some((t) => t.Key === 'Name' && t.Value === name)).length;
}

async function failureOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number }; code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

/** Two VPCs in two regions, created directly in moto, and a peering requested through the proxy. */
async function requestPeering(): Promise<string> {
  const a = await createTaggedVpc(direct(REQUESTER), 'requester', '10.10.0.0/16');
  const b = await createTaggedVpc(direct(ACCEPTER), 'accepter', '10.20.0.0/16');
  const created = await viaProxy(REQUESTER).send(
    new CreateVpcPeeringConnectionCommand({ VpcId: a.Vpc?.VpcId, PeerVpcId: b.Vpc?.VpcId, PeerRegion: ACCEPTER }),
  );
  const pcx = created.VpcPeeringConnection?.VpcPeeringConnectionId;
  if (pcx === undefined) throw new Error('no pcx id');
  return pcx;
}

async function describePeering(region: string, pcx: string): Promise<VpcPeeringConnection | undefined> {
  const out = await viaProxy(region).send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }));
  return out.VpcPeeringConnections?.find((p) => p.VpcPeeringConnectionId === pcx);
}

function accept(pcx: string) {
  return viaProxy(ACCEPTER).send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
}

// ---- tests -----------------------------------------------------------------------------------

describe('fault proxy in front of moto', () => {
  test('GIVEN no rules WHEN EC2 calls go through the proxy THEN they reach moto and are counted', async () => {
    await createTaggedVpc(viaProxy(), 'plain');
    await viaProxy().send(new DescribeVpcsCommand({}));

    expect(await countVpcsNamed('plain')).toBe(1);
    const stats = proxy.stats();
    expect(stats.requests).toBe(2);
    expect(stats.forwarded).toBe(2);
    expect(stats.byAction).toEqual({ CreateVpc: 1, DescribeVpcs: 1 });
    expect(stats.mutatingRequests).toEqual(['CreateVpc']);
    expect(stats.injected).toEqual({});
  });

  test('GIVEN a throttle rule WHEN CreateVpc is called THEN the SDK sees RequestLimitExceeded and nothing reached moto', async () => {
    proxy.setRules([{ kind: 'throttle', service: 'ec2', action: 'CreateVpc' }]);

    const err = await failureOf(createTaggedVpc(viaProxy(), 'throttled'));

    expect(err.name).toBe('RequestLimitExceeded');
    expect(err.$metadata?.httpStatusCode).toBe(503);
    expect(await countVpcsNamed('throttled')).toBe(0);
    expect(proxy.stats()).toMatchObject({ forwarded: 0, injected: { throttle: 1 }, mutatingRequests: ['CreateVpc'] });
  });

  test('GIVEN an error rule with defaults WHEN DescribeVpcs is called THEN the SDK sees a 500 InternalError', async () => {
    proxy.setRules([{ kind: 'error', action: /^Describe/ }]);

    const err = await failureOf(viaProxy().send(new DescribeVpcsCommand({})));

    expect(err.name).toBe('InternalError');
    expect(err.$metadata?.httpStatusCode).toBe(500);
    expect(proxy.stats().injected).toEqual({ error: 1 });
  });

  test('GIVEN an error rule with a custom code WHEN the call fails THEN err.name is that code', async () => {
    proxy.setRules([{ kind: 'error', status: 400, code: 'UnauthorizedOperation', message: 'You are not authorized' }]);

    const err = await failureOf(viaProxy().send(new DescribeVpcsCommand({})));

    expect(err.name).toBe('UnauthorizedOperation');
    expect(err.message).toBe('You are not authorized');
  });

  test('GIVEN an error rule for RDS WHEN an RDS call fails THEN the query-protocol error shape surfaces the code', async () => {
    proxy.setRules([{ kind: 'error', service: 'rds', status: 400, code: 'DBInstanceNotFound', message: 'gone' }]);
    const rds = new RDSClient({ region: REQUESTER, endpoint: proxy.url, credentials, maxAttempts: 1 });

    const err = await failureOf(rds.send(new DescribeDBInstancesCommand({})));

    // RDS models this code, so the SDK names the error after its class.
    expect(err.name).toBe('DBInstanceNotFoundFault');
    expect(err.message).toBe('gone');
    // The rule targets rds only: EC2 still passes.
    await expect(viaProxy().send(new DescribeVpcsCommand({}))).resolves.toBeDefined();
  });

  test('GIVEN a Route 53 rule on method and path WHEN zones are created and listed THEN only the matching call fails', async () => {
    proxy.setRules([
      {
        kind: 'error',
        service: 'route53',
        action: /^GET .*\/hostedzone$/,
        status: 400,
        code: 'Throttling',
        message: 'Rate exceeded',
      },
    ]);
    const r53 = new Route53Client({ region: REQUESTER, endpoint: proxy.url, credentials, maxAttempts: 1 });

    const zone = await r53.send(
      new CreateHostedZoneCommand({ Name: 'dr.example.internal', CallerReference: 'fault-proxy-test' }),
    );
    const err = await failureOf(r53.send(new ListHostedZonesCommand({})));

    expect(zone.HostedZone?.Id).toBeDefined();
    expect(err.name).toBe('Throttling');
    expect(Object.keys(proxy.stats().byAction).sort()).toEqual([
      'GET /2013-04-01/hostedzone',
      'POST /2013-04-01/hostedzone',
    ]);
  });

  test('GIVEN lose-response on CreateVpc WHEN called without retries THEN the client gets a network error but moto created the VPC', async () => {
    proxy.setRules([{ kind: 'lose-response', action: 'CreateVpc', count: 1 }]);

    const err = await failureOf(createTaggedVpc(viaProxy(), 'lost'));

    expect(err.code ?? err.message).toMatch(/ECONNRESET|socket hang up/);
    expect(await countVpcsNamed('lost')).toBe(1);
    expect(proxy.stats()).toMatchObject({ forwarded: 1, injected: { 'lose-response': 1 } });
  });

  test('GIVEN lose-response once WHEN the SDK retries by default THEN the call "succeeds" and a duplicate VPC exists', async () => {
    proxy.setRules([{ kind: 'lose-response', action: 'CreateVpc', count: 1 }]);

    const out = await createTaggedVpc(viaProxy(REQUESTER, 3), 'duplicated');

    expect(out.Vpc?.VpcId).toBeDefined();
    // The trap: CreateVpc has no ClientToken, so the transparent retry created a second VPC.
    expect(await countVpcsNamed('duplicated')).toBe(2);
    expect(proxy.stats().mutatingRequests).toEqual(['CreateVpc', 'CreateVpc']);
  });

  test('GIVEN a latency rule WHEN DescribeVpcs is called THEN it takes at least that long', async () => {
    proxy.setRules([{ kind: 'latency', action: 'DescribeVpcs', ms: 400 }]);

    const started = Date.now();
    await viaProxy().send(new DescribeVpcsCommand({}));

    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(proxy.stats().injected).toEqual({ latency: 1 });
  });

  test('GIVEN peering-not-found WHEN the accepter region looks within the window THEN NotFound, and after it the peering is there', async () => {
    proxy.setRules([{ kind: 'peering-not-found', seconds: 1.5 }]);
    const pcx = await requestPeering();

    const describeErr = await failureOf(describePeering(ACCEPTER, pcx));
    expect(describeErr.name).toBe('InvalidVpcPeeringConnectionID.NotFound');
    expect(describeErr.message).toBe(`The vpcPeeringConnection ID '${pcx}' does not exist`);
    expect((await failureOf(accept(pcx))).name).toBe('InvalidVpcPeeringConnectionID.NotFound');
    // Listing everything in the accepter region does not show it either; the requester region does.
    const listed = await viaProxy(ACCEPTER).send(new DescribeVpcPeeringConnectionsCommand({}));
    expect(listed.VpcPeeringConnections?.map((p) => p.VpcPeeringConnectionId)).not.toContain(pcx);
    expect((await describePeering(REQUESTER, pcx))?.Status?.Code).toBe('pending-acceptance');

    await sleep(1600);

    expect((await describePeering(ACCEPTER, pcx))?.Status?.Code).toBe('pending-acceptance');
    expect((await accept(pcx)).VpcPeeringConnection?.Status?.Code).toBe('active');
  });

  test('GIVEN peering-provisioning WHEN the peering is accepted THEN both regions see provisioning until the window ends, then active', async () => {
    proxy.setRules([{ kind: 'peering-provisioning', seconds: 1.5 }]);
    const pcx = await requestPeering();

    const accepted = await accept(pcx);

    expect(accepted.VpcPeeringConnection?.Status?.Code).toBe('provisioning');
    expect((await describePeering(REQUESTER, pcx))?.Status).toEqual({ Code: 'provisioning', Message: 'Provisioning' });
    expect((await describePeering(ACCEPTER, pcx))?.Status?.Code).toBe('provisioning');

    await sleep(1600);

    expect((await describePeering(REQUESTER, pcx))?.Status?.Code).toBe('active');
    expect((await describePeering(ACCEPTER, pcx))?.Status?.Code).toBe('active');
  });

  test('GIVEN peering-failed WHEN a peering is requested THEN it is reported failed and accepting it is InvalidStateTransition', async () => {
    proxy.setRules([{ kind: 'peering-failed' }]);
    const pcx = await requestPeering();

    const status = (await describePeering(REQUESTER, pcx))?.Status;
    expect(status?.Code).toBe('failed');
    expect(status?.Message).toMatch(/overlapping CIDR/);
    expect((await describePeering(ACCEPTER, pcx))?.Status?.Code).toBe('failed');
    expect((await failureOf(accept(pcx))).name).toBe('InvalidStateTransition');
  });

  test('GIVEN peering-failed on accept WHEN the peering is accepted THEN the accept answer and later reads say failed', async () => {
    proxy.setRules([{ kind: 'peering-failed', action: 'AcceptVpcPeeringConnection' }]);
    const pcx = await requestPeering();
    expect((await describePeering(REQUESTER, pcx))?.Status?.Code).toBe('pending-acceptance');

    const accepted = await accept(pcx);

    expect(accepted.VpcPeeringConnection?.Status?.Code).toBe('failed');
    expect((await describePeering(ACCEPTER, pcx))?.Status?.Code).toBe('failed');
  });

  test('GIVEN a rate rule and a seed WHEN the same calls are replayed on a new proxy with that seed THEN the same calls fail', async () => {
    const pattern = async (seed: number): Promise<string> => {
      const p = await startFaultProxy({ target: motoUrl, seed });
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
    proxy.setRules([{ kind: 'error', action: 'DescribeVpcs', count: 2 }]);
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
    expect(proxy.stats().injected).toEqual({ error: 2 });
  });

  test('GIVEN two throttles then success WHEN the SDK retries by default THEN the call succeeds on the third attempt', async () => {
    proxy.setRules([{ kind: 'throttle', action: 'DescribeVpcs', count: 2 }]);

    await viaProxy(REQUESTER, 3).send(new DescribeVpcsCommand({}));

    expect(proxy.stats()).toMatchObject({ requests: 3, forwarded: 1, injected: { throttle: 2 } });
  });

  test('GIVEN the CLI WHEN rules are posted to its control endpoint THEN it applies them and reports stats', async () => {
    const cli = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        path.join(__dirname, 'support', 'fault-proxy-cli.ts'),
        '--target',
        motoUrl,
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
