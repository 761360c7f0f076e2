/**
 * Capacity goes down only once traffic has left: after a verified switch, an action that lowers
 * capacity waits out the record's TTL (resolvers holding the old answer move on first). Bounds a
 * failover moved (MaxSize raised on the DR side, MinSize lowered on the old side) are kept in the
 * group's tags and put back by the run the other way. With `recoveredWhen` not healthy in time, the
 * old side is not lowered at all.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import type { FailoverReport, FailoverRequest } from '../../src/domain/failover/types';
import { testEnv } from '../support/env';
import { FROM, TO } from '../support/failover/fixture';
import { HealthSignals } from '../support/failover/health';
import { stepOf, useFailoverSuite } from '../support/failover/suite';

const f = useFailoverSuite({ proxy: { capacity: { instanceWarmupMs: 300, taskWarmupMs: 300 } } });
const { run } = f;
const at = (r: FailoverReport, name: string, end: 'startedAt' | 'finishedAt') => Date.parse(stepOf(r, name)![end]);

async function boundTags(region: string, group: string): Promise<Record<string, string>> {
  const client = new AutoScalingClient({
    region,
    endpoint: testEnv().motoUrl,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const out = await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }));
  return Object.fromEntries(
    (out.AutoScalingGroups?.[0]?.Tags ?? [])
      .filter((t) => t.Key?.startsWith('vpc-peering:'))
      .map((t) => [t.Key!, t.Value ?? '']),
  );
}

describe('FailoverToRegion: drain before scale-in, bounds put back', () => {
  test('GIVEN a TTL of 2 s WHEN the old side is scaled in after the switch THEN the scale-in starts only once the TTL has passed since the verified switch', async () => {
    // GIVEN the primary's web tier at 2, and a record with a 2 s TTL
    const world = await f.moto.world();
    const primary = await f.pilotLight.group(FROM, { min: 0, max: 4, desired: 2 });
    const scale: FailoverRequest['scale'] = [
      { kind: 'autoscaling', region: FROM, name: primary, desiredCapacity: 0, when: 'after-switch' },
    ];

    // WHEN the failover runs
    const report = await run({ ...world.request, ttl: 2, scale });

    // THEN the scale-in started at least one TTL after the switch was read back, and says it waited
    expect(report.outcome).toBe('completed');
    const step = `scale:${FROM}:${primary}`;
    expect(at(report, step, 'startedAt') - at(report, 'verify-record', 'finishedAt')).toBeGreaterThanOrEqual(1_900);
    expect(stepOf(report, step)!.detail).toMatch(
      /^waited [12](\.\d)? s, until the record's TTL \(2 s\) had passed since the verified switch; .*desired 2 → 0/,
    );
    expect(await f.pilotLight.groupNow(FROM, primary)).toMatchObject({ desired: 0, inService: 0 });
  });

  test('GIVEN a failover that raised the DR MaxSize and lowered the old MinSize WHEN the failback sets the capacity back THEN both bounds are put back and their tags removed', async () => {
    // GIVEN a DR group that may hold 1 instance, and the primary's group that must hold at least 1
    const world = await f.moto.world();
    const [dr, primary] = await Promise.all([
      f.pilotLight.group(TO, { min: 0, max: 1, desired: 0 }),
      f.pilotLight.group(FROM, { min: 1, max: 4, desired: 2 }),
    ]);
    const failover: FailoverRequest = {
      ...world.request,
      ttl: 1,
      scale: [
        { kind: 'autoscaling', region: TO, name: dr, desiredCapacity: 3 },
        { kind: 'autoscaling', region: FROM, name: primary, desiredCapacity: 0, when: 'after-switch' },
      ],
    };
    const there = await run(failover);
    expect(there.outcome).toBe('completed');
    expect(stepOf(there, `scale:${TO}:${dr}`)!.detail).toMatch(/MaxSize raised 1 → 3.*vpc-peering:raised-max=1/);
    expect(await f.pilotLight.groupNow(TO, dr)).toMatchObject({ min: 0, max: 3, desired: 3 });
    expect(await f.pilotLight.groupNow(FROM, primary)).toMatchObject({ min: 0, max: 4, desired: 0 });
    expect(await boundTags(TO, dr)).toEqual({ 'vpc-peering:raised-max': '1' });
    expect(await boundTags(FROM, primary)).toEqual({ 'vpc-peering:lowered-min': '1' });

    // WHEN the failback sets both back: the primary to 2 before its switch, the DR side to 0 after it
    const { promoteReplica: _none, ...rest } = failover;
    const back = await run({
      ...rest,
      from: world.request.to,
      to: world.request.from,
      scale: [
        { kind: 'autoscaling', region: FROM, name: primary, desiredCapacity: 2 },
        { kind: 'autoscaling', region: TO, name: dr, desiredCapacity: 0, when: 'after-switch' },
      ],
    });

    // THEN both groups have their bounds as they were before the failover, and no tag is left
    expect({ outcome: back.outcome, reason: back.reason }).toEqual({ outcome: 'completed', reason: undefined });
    expect(stepOf(back, `scale:${FROM}:${primary}`)!.detail).toMatch(/MinSize put back 0 → 1/);
    expect(stepOf(back, `scale:${TO}:${dr}`)!.detail).toMatch(/MaxSize put back 3 → 1/);
    expect(await f.pilotLight.groupNow(FROM, primary)).toMatchObject({ min: 1, max: 4, desired: 2 });
    expect(await f.pilotLight.groupNow(TO, dr)).toMatchObject({ min: 0, max: 1, desired: 0 });
    expect(await boundTags(TO, dr)).toEqual({});
    expect(await boundTags(FROM, primary)).toEqual({});
  });

  test('GIVEN recoveredWhen not healthy in time WHEN the old side would be scaled in THEN it is not lowered, with a warning; the same request run again once healthy finishes it', async () => {
    // GIVEN an alarm in ALARM in the DR region, and the primary's web tier at 2
    const world = await f.moto.world();
    const health = new HealthSignals(f.proxy.url, testEnv().motoUrl);
    const alarm = await health.alarm(TO);
    await health.setAlarm(TO, alarm, 'ALARM', 'Threshold Crossed: 5xx above 5');
    const primary = await f.pilotLight.group(FROM, { min: 0, max: 4, desired: 2 });
    const request: FailoverRequest = {
      ...world.request,
      ttl: 1,
      recoveredWhen: [{ kind: 'cloudwatch-alarm', region: TO, alarmName: alarm }],
      recoveryTimeout: '3s',
      scale: [{ kind: 'autoscaling', region: FROM, name: primary, desiredCapacity: 0, when: 'after-switch' }],
    };

    // WHEN the failover runs
    const report = await run(request);

    // THEN the switch stands, the old side still serves, and the warning says how to finish
    expect(report.outcome).toBe('completed');
    expect(stepOf(report, `scale:${FROM}:${primary}`)!.outcome).toBe('skipped');
    expect(report.warnings).toContain(
      `Auto Scaling group ${primary} in ${FROM} not lowered: the application is not healthy in ${TO}; re-run the same request to finish`,
    );
    expect(await f.pilotLight.groupNow(FROM, primary)).toMatchObject({ desired: 2 });

    // AND once healthy, the same request finishes the scale-in
    await health.setAlarm(TO, alarm, 'OK', 'Threshold no longer crossed');
    const again = await run(request);
    expect({ outcome: again.outcome, reason: again.reason }).toEqual({ outcome: 'completed', reason: undefined });
    expect(stepOf(again, `scale:${FROM}:${primary}`)!.outcome).toBe('ok');
    expect(await f.pilotLight.groupNow(FROM, primary)).toMatchObject({ desired: 0 });
  });
});
