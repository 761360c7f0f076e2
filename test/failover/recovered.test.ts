/**
 * FailoverToRegion's `recovered` step on the real dev server, with moto behind the AWS-faithful
 * layer: the RTO ends when the application is healthy again, not when DNS was written. A new alarm
 * reads INSUFFICIENT_DATA (as on AWS) until the test moves it with SetAlarmState; health checks
 * answer the observations the test seeds for their 16 checkers; the fault proxy takes a region's
 * CloudWatch, or Route 53's API, off the air.
 */
import type { FailoverReport, FailoverRequest } from '../../src/domain/failover/types';
import { FROM, TO } from '../support/failover/fixture';
import { HealthSignals, sleep, untilReadings, untilRunning } from '../support/failover/health';
import { stepOf, useFailoverSuite } from '../support/failover/suite';
import { testEnv } from '../support/env';
import { regionOutage } from '../../harness/fault-proxy';

const f = useFailoverSuite();
let health: HealthSignals;
beforeAll(() => {
  health = new HealthSignals(f.proxy.url, testEnv().motoUrl);
});
afterEach(() => {
  f.proxy.clearRules();
  f.proxy.faithful.healthChecks.forget();
});

const alarmSignal = (alarmName: string, region = TO) => ({ kind: 'cloudwatch-alarm' as const, region, alarmName });
const checkSignal = (healthCheckId: string) => ({ kind: 'route53-health-check' as const, healthCheckId });
const seconds = (r: FailoverReport, name: string) => {
  const s = stepOf(r, name)!;
  return (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000;
};

describe('FailoverToRegion: recovery is the application healthy', () => {
  test('GIVEN a 5xx alarm that turns OK 3 s after the switch WHEN failing over THEN rtoSeconds counts to that moment, and the after-switch scale-in waits for it', async () => {
    // GIVEN a new alarm in the DR region (INSUFFICIENT_DATA, as AWS starts it) and the primary's web tier
    const world = await f.moto.world();
    const alarm = await health.alarm(TO);
    const primary = await f.pilotLight.group(FROM, { min: 0, max: 4, desired: 2 });
    const request: FailoverRequest = {
      ...world.request,
      recoveredWhen: [alarmSignal(alarm)],
      recoveryTimeout: '2m',
      // A short TTL: the scale-in drains for one TTL after the switch, which the recovery wait covers.
      ttl: 1,
      scale: [{ kind: 'autoscaling', region: FROM, name: primary, desiredCapacity: 0, when: 'after-switch' }],
    };

    // WHEN the failover runs, and the alarm turns OK some seconds after the switch
    const handle = await f.start(request);
    await untilRunning(handle, 'recovered');
    const before = await untilReadings(handle, (rs) => rs.length === 1);
    await sleep(3_000);
    const okAt = Date.now();
    await health.setAlarm(TO, alarm, 'OK', 'the DR load balancer serves 2xx again');
    const report = (await handle.result()) as FailoverReport;
    const startedAt = (await handle.describe()).startTime.getTime();

    // THEN it completed, on the DR value, having waited for the alarm
    expect({ outcome: report.outcome, reason: report.reason, warnings: report.warnings }).toEqual({
      outcome: 'completed',
      reason: undefined,
      warnings: [],
    });
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    expect(before[0]).toMatchObject({ state: 'INSUFFICIENT_DATA', healthy: false });
    const recovery = report.recovery!;
    expect(recovery.signals.map((s) => [s.signal, s.state])).toEqual([[alarmSignal(alarm), 'OK']]);
    // AND it was healthy within one poll (at most 5 s) of the alarm turning OK
    const healthyAt = Date.parse(recovery.healthyAt!);
    expect(healthyAt).toBeGreaterThanOrEqual(okAt - 1_000);
    expect(healthyAt).toBeLessThanOrEqual(okAt + 7_000);
    // AND rtoSeconds runs from where the switch's RTO starts (the start of the run) to that moment
    const verifiedAt = Date.parse(stepOf(report, 'verify-record')!.finishedAt);
    const rtoStart = verifiedAt - recovery.switchRtoSeconds! * 1000;
    expect(Math.abs(rtoStart - startedAt)).toBeLessThan(1_000);
    expect(report.rtoSeconds).toBeCloseTo((healthyAt - rtoStart) / 1000, 2);
    expect(report.rtoSeconds!).toBeGreaterThan(recovery.switchRtoSeconds! + 2.5);
    expect(recovery.waitedSeconds).toBeGreaterThan(2.5);
    expect(stepOf(report, 'recovered')).toMatchObject({
      outcome: 'ok',
      detail: expect.stringMatching(
        new RegExp(`alarm ${alarm} in ${TO}: OK .*rtoSeconds ${report.rtoSeconds} counts to it`),
      ),
    });
    // AND the step is timed in the report, between the read-back and the after-switch scale-in
    const [verify, recovered, scaleIn] = ['verify-record', 'recovered', `scale:${FROM}:${primary}`].map((n) =>
      stepOf(report, n)!,
    );
    expect(Date.parse(recovered!.startedAt)).toBeGreaterThanOrEqual(Date.parse(verify!.finishedAt));
    expect(Date.parse(scaleIn!.startedAt)).toBeGreaterThanOrEqual(Date.parse(recovered!.finishedAt));
    expect(seconds(report, 'recovered')).toBeGreaterThan(2.5);
    console.info(
      `recovered: switch ${recovery.switchRtoSeconds} s, healthy ${recovery.waitedSeconds} s later ` +
        `(${((healthyAt - okAt) / 1000).toFixed(2)} s after the alarm turned OK); rtoSeconds ${report.rtoSeconds}`,
    );
  });

  test('GIVEN an alarm that never turns OK WHEN the recovery times out THEN the switch stands, completed, rtoSeconds null, and the warning names the alarm', async () => {
    // GIVEN an alarm in ALARM, and a short recoveryTimeout
    const world = await f.moto.world();
    const alarm = await health.alarm(TO);
    await health.setAlarm(TO, alarm, 'ALARM', 'Threshold Crossed: 5xx above 5');

    // WHEN the failover runs
    const report = await f.run({ ...world.request, recoveredWhen: [alarmSignal(alarm)], recoveryTimeout: '6s' });

    // THEN the switch stands: completed, the record on the DR value
    expect({ outcome: report.outcome, reason: report.reason }).toEqual({ outcome: 'completed', reason: undefined });
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    expect(stepOf(report, 'verify-record')?.outcome).toBe('ok');
    // AND no RTO, no healthy moment, and the warning says which signal, in what state
    expect(report.rtoSeconds).toBeNull();
    expect(report.recovery).toMatchObject({ healthyAt: null, switchRtoSeconds: expect.any(Number) });
    expect(report.recovery!.waitedSeconds).toBeGreaterThanOrEqual(5.9);
    expect(report.recovery!.waitedSeconds).toBeLessThan(15);
    expect(report.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^recovered: not healthy within 6s: alarm ${alarm} in ${TO}: ALARM \\(Threshold Crossed.*rtoSeconds is null$`,
        ),
      ),
    ]);
    expect(stepOf(report, 'recovered')?.outcome).toBe('failed');
  });

  test('GIVEN two health checks, one with a minority of checkers failing and one with a majority WHEN failing over THEN the first counts as healthy, the second not, until most of its checkers succeed', async () => {
    // GIVEN health checks whose 16 checkers disagree: 5 failing, and 9 failing
    const world = await f.moto.world();
    const [mostlyUp, mostlyDown] = [await health.healthCheck(), await health.healthCheck()];
    f.proxy.faithful.healthChecks.observe(mostlyUp, { failing: 5 });
    f.proxy.faithful.healthChecks.observe(mostlyDown, { failing: 9 });

    // WHEN the failover waits for both
    const handle = await f.start({
      ...world.request,
      recoveredWhen: [checkSignal(mostlyUp), checkSignal(mostlyDown)],
      recoveryTimeout: '2m',
    });
    await untilRunning(handle, 'recovered');
    const seen = await untilReadings(handle, (rs) => rs.length === 2);
    // THEN the minority failing is healthy, the majority failing is not, and the run keeps waiting
    expect(seen.map((r) => [r.state, r.detail])).toEqual([
      ['healthy', '11 of 16 checkers report success'],
      ['unhealthy', '7 of 16 checkers report success'],
    ]);
    await sleep(2_000);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // WHEN two of its failing checkers recover (7 of 16 failing: a minority)
    const recoveredAt = Date.now();
    f.proxy.faithful.healthChecks.observe(mostlyDown, { failing: 7 });
    const report = (await handle.result()) as FailoverReport;

    // THEN the run is healthy from then on, and counts to it
    expect(report.outcome).toBe('completed');
    expect(report.recovery!.signals.map((r) => [r.state, r.detail])).toEqual([
      ['healthy', '11 of 16 checkers report success'],
      ['healthy', '9 of 16 checkers report success'],
    ]);
    expect(Date.parse(report.recovery!.healthyAt!)).toBeGreaterThanOrEqual(recoveredAt - 1_000);
    expect(report.rtoSeconds!).toBeGreaterThan(report.recovery!.switchRtoSeconds! + 2);
    expect(f.proxy.faithful.healthChecks.requests).toEqual(expect.arrayContaining([mostlyUp, mostlyDown]));
  });

  test("GIVEN the alarm's region's CloudWatch and Route 53's API silent after the switch WHEN recovering THEN each read is bounded, reported unreachable, and the switch stands", async () => {
    // GIVEN an alarm in the DR region and a health check; the run has switched
    const world = await f.moto.world();
    const alarm = await health.alarm(TO);
    const check = await health.healthCheck();
    const handle = await f.start({
      ...world.request,
      recoveredWhen: [alarmSignal(alarm), checkSignal(check)],
      recoveryTimeout: '8s',
    });
    await untilRunning(handle, 'recovered');

    // WHEN CloudWatch in eu-west-1 and Route 53 (us-east-1) stop answering at all
    f.proxy.setRules([...regionOutage(TO, ['monitoring']), ...regionOutage('us-east-1', ['route53'])]);
    const report = (await handle.result()) as FailoverReport;

    // THEN the run completed with the switch in place, and no RTO
    expect({ outcome: report.outcome, rto: report.rtoSeconds }).toEqual({ outcome: 'completed', rto: null });
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    // AND each signal reads unreachable, bounded by the probe's 3 s, and is in the report's unreachable checks
    expect(report.recovery!.signals.map((r) => [r.state, r.detail])).toEqual([
      [
        'unreachable',
        expect.stringMatching(new RegExp(`^CloudWatch in ${TO} did not answer within [\\d.]+ s \\(alarm ${alarm}\\)`)),
      ],
      ['unreachable', expect.stringMatching(/^Route 53 in us-east-1 did not answer within [\d.]+ s \(health check /)],
    ]);
    for (const r of report.recovery!.signals) expect(r.waitedMs).toBeLessThan(6_000);
    expect(report.unreachable!.map((u) => `${u.service}:${u.region}`).sort()).toEqual([
      `cloudwatch:${TO}`,
      'route53:us-east-1',
    ]);
    expect(report.warnings?.[0]).toMatch(/not healthy within 8s: .*unreachable.*unreachable/);
    // AND the step gave up at its timeout: seconds, not minutes
    expect(seconds(report, 'recovered')).toBeLessThan(20);
  });
});
