/**
 * FailoverToRegion's scale actions, the pilot light: waking the DR side before the switch, putting
 * the old side to sleep after it. The proxy gives capacity as AWS does: a desired capacity outside
 * MinSize..MaxSize is refused, and new instances and tasks take two seconds to be in service.
 */
import type { FailoverReport, FailoverRequest } from '../../src/domain/failover/types';
import { FROM, TO } from '../support/failover/fixture';
import { MUTATIONS, names, stepOf, useFailoverSuite } from '../support/failover/suite';

const WARM_UP_MS = 2_000;
const f = useFailoverSuite({ proxy: { capacity: { instanceWarmupMs: WARM_UP_MS, taskWarmupMs: WARM_UP_MS } } });
const { run, start, callsDuring, untilAwaitingDecision } = f;

const SCALING = ['SetDesiredCapacity', 'UpdateAutoScalingGroup', 'UpdateService'];
const time = (r: FailoverReport, name: string, end: 'startedAt' | 'finishedAt') => Date.parse(stepOf(r, name)![end]);

/** A world whose DR side has an empty web group (MaxSize `max`) and an empty ECS service. */
async function pilotLightWorld(max = 4) {
  const world = await f.moto.world();
  const [group, svc] = await Promise.all([
    f.pilotLight.group(TO, { min: 0, max, desired: 0 }),
    f.pilotLight.service(TO, 0),
  ]);
  const scale: NonNullable<FailoverRequest['scale']> = [
    { kind: 'autoscaling', region: TO, name: group, desiredCapacity: 3 },
    { kind: 'ecs', region: TO, cluster: svc.cluster, service: svc.service, desiredCount: 2 },
  ];
  return { world, group, svc, request: { ...world.request, scale } };
}

describe('FailoverToRegion scale actions', () => {
  test('GIVEN an empty DR group and service WHEN failing over THEN ASG 0→3 and ECS 0→2 are in service before DNS moves', async () => {
    // GIVEN the pilot light asleep
    const { world, group, svc, request } = await pilotLightWorld();

    // WHEN the failover runs
    const report = await run(request);

    // THEN it completed, each scale action a timed step with its capacity before and after
    expect(report.outcome).toBe('completed');
    const [asgStep, ecsStep] = [`scale:${TO}:${group}`, `scale:${TO}:web`];
    expect(stepOf(report, asgStep)).toMatchObject({
      outcome: 'ok',
      detail: expect.stringMatching(/desired 0 → 3, 0 → 3 InService; in service after/),
    });
    expect(stepOf(report, ecsStep)).toMatchObject({
      outcome: 'ok',
      detail: expect.stringMatching(/desired 0 → 2, 0 → 2 running; in service after/),
    });
    expect(report.capacity!.map((c) => [c.step, c.before?.inService, c.after?.inService])).toEqual([
      [asgStep, 0, 3],
      [ecsStep, 0, 2],
    ]);
    // AND each waited for the capacity to come, in parallel with the promotion
    for (const s of [asgStep, ecsStep]) {
      expect(time(report, s, 'finishedAt') - time(report, s, 'startedAt')).toBeGreaterThanOrEqual(WARM_UP_MS - 100);
      expect(Math.abs(time(report, s, 'startedAt') - time(report, 'promote-replica', 'startedAt'))).toBeLessThan(1_000);
    }
    // AND DNS moved only once all of them were done
    const ready = Math.max(...[asgStep, ecsStep, 'promote-replica'].map((s) => time(report, s, 'finishedAt')));
    expect(time(report, 'switch-record', 'startedAt')).toBeGreaterThanOrEqual(ready);
    // AND the capacity is really there, as moto itself says
    expect(await f.pilotLight.groupNow(TO, group)).toMatchObject({ desired: 3, inService: 3, max: 4 });
    expect(await f.pilotLight.serviceNow(TO, svc.cluster, svc.service)).toEqual({ desired: 2, running: 2 });
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
  });

  test('GIVEN a MaxSize of 1 WHEN 3 are asked for THEN MaxSize is raised to 3 and no further, and the step says so', async () => {
    // GIVEN a DR group that may hold only one instance
    const { group, request } = await pilotLightWorld(1);

    // WHEN the failover asks for 3
    const report = await run(request);

    // THEN it raised MaxSize just enough, and reported it
    expect(report.outcome).toBe('completed');
    expect(stepOf(report, `scale:${TO}:${group}`)!.detail).toMatch(/MaxSize raised 1 → 3, only as far as 3 needs/);
    expect(report.capacity![0]!.bounds).toEqual({ maxSize: { from: 1, to: 3 } });
    expect(await f.pilotLight.groupNow(TO, group)).toEqual({ min: 0, max: 3, desired: 3, inService: 3 });
  });

  test('GIVEN the old side running WHEN an after-switch action scales it to 0 THEN it runs after the verified switch, lowering MinSize', async () => {
    // GIVEN the primary's web group at 2, with MinSize 1
    const world = await f.moto.world();
    const primary = await f.pilotLight.group(FROM, { min: 1, max: 4, desired: 2 });
    const scale: FailoverRequest['scale'] = [
      { kind: 'autoscaling', region: FROM, name: primary, desiredCapacity: 0, when: 'after-switch' },
    ];

    // WHEN the failover runs (a short TTL: the scale-down drains for one TTL after the switch)
    const report = await run({ ...world.request, ttl: 1, scale });

    // THEN the scale-down came last, after the read-back, and reached 0
    expect(report.outcome).toBe('completed');
    expect(names(report).slice(-2)).toEqual(['verify-record', `scale:${FROM}:${primary}`]);
    expect(time(report, `scale:${FROM}:${primary}`, 'startedAt')).toBeGreaterThanOrEqual(
      time(report, 'verify-record', 'finishedAt'),
    );
    expect(stepOf(report, `scale:${FROM}:${primary}`)!.detail).toMatch(
      /desired 2 → 0, 2 → 0 InService; MinSize lowered 1 → 0/,
    );
    expect(await f.pilotLight.groupNow(FROM, primary)).toEqual({ min: 0, max: 4, desired: 0, inService: 0 });
  });

  test.each([
    ['an abort', { approval: 'signal' as const }, true],
    ['an approval timeout', { approval: 'signal' as const, approvalTimeout: '2s' }, false],
  ])('GIVEN %s WHEN the run ends at the approval THEN no capacity changed', async (_what, approval, abort) => {
    // GIVEN a failover with scale actions, waiting for a decision
    const { group, svc, request } = await pilotLightWorld();
    const { result: report, operations } = await callsDuring(async () => {
      const handle = await start({ ...request, ...approval });
      await untilAwaitingDecision(handle);
      // WHEN it is aborted, or nobody decides
      if (abort) await handle.signal('abort', { reason: 'primary recovered' });
      return (await handle.result()) as FailoverReport;
    });

    // THEN it stopped at the approval, and no capacity call was made
    expect(report.outcome).toBe('aborted');
    expect(names(report)).toEqual(['preflight', 'approval']);
    expect(operations.filter((o) => SCALING.includes(o))).toEqual([]);
    expect(await f.pilotLight.groupNow(TO, group)).toMatchObject({ desired: 0, inService: 0 });
    expect(await f.pilotLight.serviceNow(TO, svc.cluster, svc.service)).toEqual({ desired: 0, running: 0 });
  });

  test('GIVEN a drill with scale actions WHEN it runs THEN each target is checked and none is changed', async () => {
    // GIVEN the pilot light, one group too small for what is asked
    const { group, svc, request } = await pilotLightWorld(1);

    // WHEN the drill runs
    const { result: report, operations } = await callsDuring(() => run({ ...request, drill: true }));

    // THEN it completed, each scale step skipped with what it would have done
    expect(report.outcome).toBe('completed');
    expect(stepOf(report, `scale:${TO}:${group}`)).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringMatching(
        /^drill: .* exists and could scale \(desired 0, 0 InService \(min 0, max 1\)\); it would be set to 3 \(MaxSize raised 1 → 3\)\. No capacity was changed/,
      ),
    });
    expect(stepOf(report, `scale:${TO}:web`)!.outcome).toBe('skipped');
    // AND no capacity call was made; the only writes were the drill record's
    expect(operations.filter((o) => MUTATIONS.includes(o) && o !== 'ChangeResourceRecordSets')).toEqual([]);
    expect(await f.pilotLight.groupNow(TO, group)).toEqual({ min: 0, max: 1, desired: 0, inService: 0 });
    expect(await f.pilotLight.serviceNow(TO, svc.cluster, svc.service)).toEqual({ desired: 0, running: 0 });
  });

  test('GIVEN a group that does not exist WHEN failing over THEN preflight fails naming it, before any change', async () => {
    const { world, request } = await pilotLightWorld();
    const scale = [
      ...request.scale,
      { kind: 'autoscaling' as const, region: TO, name: 'no-such-group', desiredCapacity: 1 },
    ];

    const { result: report, operations } = await callsDuring(() => run({ ...request, scale }));

    expect(report.outcome).toBe('failed');
    expect(report.reason).toMatch(/Auto Scaling group no-such-group in eu-west-1 does not exist/);
    expect(operations.filter((o) => MUTATIONS.includes(o))).toEqual([]);
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);
  });
});
