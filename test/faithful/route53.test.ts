/**
 * The AWS-faithful layer: Route 53 change batches and changes as AWS applies them
 * (harness/faithful/route53-changes.ts), and health-check observations a test seeds
 * (harness/faithful/route53-health.ts).
 */
import {
  ChangeResourceRecordSetsCommand,
  type Change,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  GetChangeCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  waitUntilResourceRecordSetsChanged,
} from '@aws-sdk/client-route-53';
import { CHECKER_OK, CHECKERS } from '../../harness/faithful';
import { failureOf, sleep, useFaithfulAws } from './layer-env';

const env = useFaithfulAws({ timing: { route53: { insyncMs: 700 } } });
const NAME = 'app.abc.example.';
const cname = (value: string, name = NAME) => ({
  Name: name,
  Type: 'CNAME' as const,
  TTL: 60,
  ResourceRecords: [{ Value: value }],
});
const change = (Action: Change['Action'], value: string, name = NAME): Change => ({
  Action,
  ResourceRecordSet: cname(value, name),
});

async function zoneWithRecord(): Promise<string> {
  const r53 = env.moto(Route53Client);
  const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'abc.example.', CallerReference: 'abc' }));
  const zoneId = zone.HostedZone!.Id!.replace('/hostedzone/', '');
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: [change('CREATE', 'primary-alb.us-east-1.elb.amazonaws.com')] },
    }),
  );
  return zoneId;
}

async function recordsIn(zoneId: string): Promise<string[]> {
  const out = await env.moto(Route53Client).send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  return (out.ResourceRecordSets ?? [])
    .filter((s) => s.Type === 'CNAME')
    .flatMap((s) => (s.ResourceRecords ?? []).map((r) => `${s.Name} ${r.Value}`))
    .sort();
}

const batch = (zoneId: string, ...changes: Change[]) =>
  env
    .aws(Route53Client)
    .send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }));

describe('AWS-faithful layer: Route 53 change batches', () => {
  test('GIVEN a record WHEN a CREATE of it comes THEN InvalidChangeBatch in AWS words, and no duplicate is added', async () => {
    const zoneId = await zoneWithRecord();

    const err = await failureOf(batch(zoneId, change('CREATE', 'dr-alb.eu-west-1.elb.amazonaws.com')));

    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.message).toBe(
      `[Tried to create resource record set [name='${NAME}', type='CNAME'] but it already exists]`,
    );
    expect(await recordsIn(zoneId)).toEqual([`${NAME} primary-alb.us-east-1.elb.amazonaws.com`]);
  });

  test('GIVEN a record WHEN a DELETE with other values comes in a batch with a CREATE elsewhere THEN the whole batch fails, naming the mismatch, and nothing changes', async () => {
    const zoneId = await zoneWithRecord();

    const err = await failureOf(
      batch(
        zoneId,
        change('CREATE', 'x.example.com', 'new.abc.example.'),
        change('DELETE', 'someone-else.example.com'),
      ),
    );

    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.message).toBe(
      `[Tried to delete resource record set [name='${NAME}', type='CNAME'] but the values provided do not match the current values]`,
    );
    expect(await recordsIn(zoneId)).toEqual([`${NAME} primary-alb.us-east-1.elb.amazonaws.com`]);
  });

  test('GIVEN a record WHEN one batch UPSERTs another name, DELETEs a missing record and CREATEs the existing one THEN every problem is named and nothing is applied', async () => {
    const zoneId = await zoneWithRecord();

    const err = await failureOf(
      batch(
        zoneId,
        change('UPSERT', 'y.example.com', 'other.abc.example.'),
        change('DELETE', 'z', 'gone.abc.example.'),
        change('CREATE', 'w'),
      ),
    );

    expect(err.message).toBe(
      `[Tried to delete resource record set [name='gone.abc.example.', type='CNAME'] but it was not found, ` +
        `Tried to create resource record set [name='${NAME}', type='CNAME'] but it already exists]`,
    );
    expect(await recordsIn(zoneId)).toEqual([`${NAME} primary-alb.us-east-1.elb.amazonaws.com`]);
  });

  test('GIVEN a record WHEN a batch DELETEs it with its exact values and CREATEs the new value THEN it applies: the switch a failover writes (control)', async () => {
    const zoneId = await zoneWithRecord();

    await batch(
      zoneId,
      change('DELETE', 'primary-alb.us-east-1.elb.amazonaws.com'),
      change('CREATE', 'dr-alb.eu-west-1.elb.amazonaws.com'),
    );

    expect(await recordsIn(zoneId)).toEqual([`${NAME} dr-alb.eu-west-1.elb.amazonaws.com`]);
  });

  test('GIVEN a failover switched the record WHEN the failback DELETEs it and CREATEs the first value again THEN it applies, as on AWS (moto alone refuses: it remembers the first CREATE)', async () => {
    const zoneId = await zoneWithRecord();
    const primary = 'primary-alb.us-east-1.elb.amazonaws.com';
    const dr = 'dr-alb.eu-west-1.elb.amazonaws.com';
    await batch(zoneId, change('DELETE', primary), change('CREATE', dr));

    await batch(zoneId, change('DELETE', dr), change('CREATE', primary));

    expect(await recordsIn(zoneId)).toEqual([`${NAME} ${primary}`]);
  });

  test('GIVEN an accepted change WHEN its status is read THEN PENDING (also in the answer), INSYNC once propagated; each batch has its own id, and the SDK waiter waits', async () => {
    const zoneId = await zoneWithRecord();
    const r53 = env.aws(Route53Client);

    const first = await batch(zoneId, change('UPSERT', 'dr-alb.eu-west-1.elb.amazonaws.com'));
    const second = await batch(zoneId, change('UPSERT', 'primary-alb.us-east-1.elb.amazonaws.com'));

    expect([first.ChangeInfo?.Status, second.ChangeInfo?.Status]).toEqual(['PENDING', 'PENDING']);
    expect(first.ChangeInfo?.Id).not.toBe(second.ChangeInfo?.Id);
    expect((await r53.send(new GetChangeCommand({ Id: first.ChangeInfo!.Id! }))).ChangeInfo?.Status).toBe('PENDING');
    const started = Date.now();
    await waitUntilResourceRecordSetsChanged(
      { client: r53, minDelay: 0.2, maxDelay: 0.2, maxWaitTime: 10 },
      { Id: second.ChangeInfo!.Id! },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect((await r53.send(new GetChangeCommand({ Id: first.ChangeInfo!.Id! }))).ChangeInfo?.Status).toBe('INSYNC');
  });
});

describe('AWS-faithful layer: health-check observations', () => {
  async function healthCheck(): Promise<string> {
    const out = await env.moto(Route53Client).send(
      new CreateHealthCheckCommand({
        CallerReference: 'abc-dr-app',
        HealthCheckConfig: {
          Type: 'HTTPS',
          FullyQualifiedDomainName: 'dr-alb.eu-west-1.elb.amazonaws.com',
          Port: 443,
          ResourcePath: '/health',
        },
      }),
    );
    return out.HealthCheck!.Id!;
  }
  const status = async (id: string) =>
    (await env.aws(Route53Client).send(new GetHealthCheckStatusCommand({ HealthCheckId: id })))
      .HealthCheckObservations ?? [];

  test('GIVEN observations seeded through the control endpoint WHEN the status is read THEN one observation per checker, in AWS shape, the seeded ones failing', async () => {
    const id = await healthCheck();
    const put = await fetch(`${env.layer?.url}/__faults/health-checks/${id}`, {
      method: 'PUT',
      body: JSON.stringify({ failing: 12 }),
    }).catch(() => undefined);

    const observations = await status(id);

    expect(put?.status).toBe(200);
    expect(observations).toHaveLength(CHECKERS.length);
    expect(observations.filter((o) => o.StatusReport?.Status?.startsWith('Failure:'))).toHaveLength(12);
    expect(observations[15]).toEqual({
      Region: 'sa-east-1',
      IPAddress: CHECKERS[15]!.ipAddress,
      StatusReport: { Status: CHECKER_OK, CheckedTime: expect.any(Date) },
    });
  });

  test('GIVEN observations seeded in process, then forgotten WHEN the status is read THEN the seeded checkers, then moto answer again', async () => {
    const id = await healthCheck();
    env.layer?.faithful.healthChecks.observe(id, {
      observations: [{ region: 'eu-west-1', ipAddress: '176.34.159.196', status: 'Failure: Connection timed out.' }],
    });

    const seeded = await status(id);
    env.layer?.faithful.healthChecks.forget(id);
    const unseeded = await status(id);

    expect(seeded.map((o) => [o.Region, o.StatusReport?.Status])).toEqual([
      ['eu-west-1', 'Failure: Connection timed out.'],
    ]);
    expect(unseeded.length).toBeGreaterThan(0);
    expect(unseeded.every((o) => o.StatusReport?.Status?.startsWith('Success'))).toBe(true);
  });

  test('GIVEN the control endpoint WHEN Route 53 timing is changed, and a bad timing is sent THEN the new timing holds and the bad request changes nothing', async () => {
    const zoneId = await zoneWithRecord();
    const post = (body: unknown) =>
      fetch(`${env.layer?.url}/__faults/timing`, { method: 'POST', body: JSON.stringify(body) }).catch(() => undefined);

    const ok = await post({ route53: { insyncMs: 0 } });
    const bad = await post({ route53: { insyncMs: 60_000 }, rds: { creatingMs: -1 } });
    const accepted = await batch(zoneId, change('UPSERT', 'dr-alb.eu-west-1.elb.amazonaws.com'));
    await sleep(20);

    expect([ok?.status, bad?.status]).toEqual([200, 400]);
    expect(((await ok?.json()) as { route53?: unknown } | undefined)?.route53).toEqual({ insyncMs: 0 });
    const read = await env.aws(Route53Client).send(new GetChangeCommand({ Id: accepted.ChangeInfo!.Id! }));
    expect(read.ChangeInfo?.Status).toBe('INSYNC');
    expect(env.layer?.timing.rds.creatingMs).toBe(400);
  });
});
