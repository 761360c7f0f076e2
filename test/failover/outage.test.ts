/**
 * FailoverToRegion in the disaster it exists for: us-east-1 does not answer. Every call signed for
 * us-east-1 EC2, RDS, Auto Scaling and ECS (and, for the data-plane switch, Route 53 and the ARC
 * endpoint there) gets no answer at all from the fault proxy, as in a regional outage. The
 * failover must still wake the pilot light in eu-west-1, promote the replica and move traffic, in
 * seconds of checking rather than minutes.
 */
import type { FailoverReport, FailoverRequest } from '../../src/domain/failover/types';
import { startArcCluster, type ArcCluster } from '../support/arc-cluster';
import { FROM, TO } from '../support/failover/fixture';
import { MUTATIONS, names, stepOf, useFailoverSuite } from '../support/failover/suite';
import { REGIONAL_APIS, regionOutage } from '../../harness/fault-proxy';

const f = useFailoverSuite({ proxy: { capacity: { instanceWarmupMs: 2_000, taskWarmupMs: 2_000 } } });
const { run, callsDuring } = f;

let arc: ArcCluster;
beforeAll(async () => {
  arc = await startArcCluster([FROM, TO, 'us-west-2']);
});
afterAll(async () => {
  await arc?.close();
});
afterEach(() => f.proxy.clearRules());

const seconds = (r: FailoverReport, name: string) => {
  const s = stepOf(r, name)!;
  return (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000;
};

/** A world with a pilot light: an empty web group and service in eu-west-1, the primary's web group in us-east-1. */
async function pilotLightWorld() {
  const world = await f.moto.world();
  const [drGroup, drService, primaryGroup] = await Promise.all([
    f.pilotLight.group(TO, { min: 0, max: 4, desired: 0 }),
    f.pilotLight.service(TO, 0),
    f.pilotLight.group(FROM, { min: 0, max: 4, desired: 2 }),
  ]);
  const scale: FailoverRequest['scale'] = [
    { kind: 'autoscaling', region: TO, name: drGroup, desiredCapacity: 3 },
    { kind: 'ecs', region: TO, cluster: drService.cluster, service: drService.service, desiredCount: 2 },
    { kind: 'autoscaling', region: FROM, name: primaryGroup, desiredCapacity: 0, when: 'after-switch' },
  ];
  return { world, drGroup, drService, primaryGroup, request: { ...world.request, scale } };
}

/** Routing controls for the two regions, traffic on us-east-1. */
function routingControls() {
  const from = arc.addRoutingControl('abc-primary-us-east-1', 'On');
  const to = arc.addRoutingControl('abc-dr-eu-west-1', 'Off');
  return {
    from,
    to,
    dnsSwitch: { mode: 'routing-control' as const, clusterEndpoints: arc.endpoints, routingControls: { from, to } },
  };
}

describe('FailoverToRegion with us-east-1 down', () => {
  test('GIVEN us-east-1 EC2, RDS, Auto Scaling and ECS unreachable WHEN failing over with a pilot light and a promotion THEN it completes, in seconds of checks', async () => {
    // GIVEN the pilot light asleep, and us-east-1 silent
    const { world, drGroup, drService, primaryGroup, request } = await pilotLightWorld();
    f.proxy.setRules(regionOutage(FROM, REGIONAL_APIS));

    // WHEN the failover to eu-west-1 runs
    const report = await run(request);

    // THEN it completed, and the record points to eu-west-1
    expect({ outcome: report.outcome, reason: report.reason }).toEqual({ outcome: 'completed', reason: undefined });
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    // AND the replica was promoted without its source region, and only counted once standalone
    expect(report.promotion).toBe('promoted');
    expect(stepOf(report, 'promote-replica')!.detail).toMatch(/available, no replication source/);
    // AND the pilot light is awake: 3 instances InService and 2 tasks running, as moto itself says
    expect(await f.pilotLight.groupNow(TO, drGroup)).toMatchObject({ desired: 3, inService: 3 });
    expect(await f.pilotLight.serviceNow(TO, drService.cluster, drService.service)).toEqual({ desired: 2, running: 2 });
    expect(stepOf(report, `scale:${TO}:${drGroup}`)).toMatchObject({
      outcome: 'ok',
      detail: expect.stringMatching(/desired 0 → 3, 0 → 3 InService/),
    });
    // AND the preflight says what did not answer, and went on
    const preflight = stepOf(report, 'preflight')!;
    expect(preflight.outcome).toBe('ok');
    expect(preflight.detail).toMatch(
      /not checked: EC2 in us-east-1 did not answer within [\d.]+ s \(route tables of vpc-/,
    );
    expect(preflight.detail).toMatch(
      /Auto Scaling group .* in us-east-1 not checked: Auto Scaling in us-east-1 did not answer/,
    );
    expect(report.unreachable!.map((u) => `${u.service}:${u.region}`).sort()).toEqual([
      'autoscaling:us-east-1',
      'ec2:us-east-1',
    ]);
    // AND the time spent on the unreachable checks is measured and bounded: seconds, not minutes
    for (const u of report.unreachable!) expect(u.waitedMs).toBeLessThan(6_000);
    expect(seconds(report, 'preflight')).toBeLessThan(15);
    // AND the old side's scale-down, in the silent region, is skipped and says why
    expect(stepOf(report, `scale:${FROM}:${primaryGroup}`)).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringMatching(/did not answer in preflight/),
    });
    expect(report.warnings).toEqual([]);
    console.info(
      `outage failover: RTO ${report.rtoSeconds} s; preflight ${seconds(report, 'preflight')} s ` +
        `(unreachable checks ${report.unreachable!.map((u) => `${u.service} ${u.waitedMs} ms`).join(', ')}); ` +
        `promote ${seconds(report, 'promote-replica')} s; scale ${[`scale:${TO}:${drGroup}`, `scale:${TO}:web`].map((n) => `${n} ${seconds(report, n)} s`).join(', ')}; ` +
        `switch ${seconds(report, 'switch-record')} s; verify ${seconds(report, 'verify-record')} s`,
    );
  });

  test('GIVEN Route 53 and everything in us-east-1 unreachable, its ARC endpoint too WHEN switching through routing controls THEN it completes through the data plane', async () => {
    // GIVEN the pilot light, routing controls with traffic on us-east-1, and us-east-1 silent
    const { world, drGroup, request } = await pilotLightWorld();
    const rc = routingControls();
    f.proxy.setRules(regionOutage(FROM, [...REGIONAL_APIS, 'route53']));
    arc.setDown(FROM, 'unreachable');
    const firstCall = arc.calls.length;

    // WHEN the failover runs in routing-control mode
    const { result: report, operations } = await callsDuring(() => run({ ...request, dnsSwitch: rc.dnsSwitch }));
    arc.setDown(FROM, false);

    // THEN it completed: eu-west-1 On, us-east-1 Off, read back from the data plane
    expect({ outcome: report.outcome, reason: report.reason }).toEqual({ outcome: 'completed', reason: undefined });
    expect(names(report)).toEqual(expect.arrayContaining(['switch-routing-controls', 'verify-routing-controls']));
    expect([arc.stateOf(rc.to), arc.stateOf(rc.from)]).toEqual(['On', 'Off']);
    expect(report.routingControls).toEqual({ before: { from: 'On', to: 'Off' }, after: { from: 'Off', to: 'On' } });
    expect(typeof report.rtoSeconds).toBe('number');
    // AND `to` On and `from` Off were set together in one call, after the silent us-east-1 endpoint was skipped
    const updates = arc.calls
      .slice(firstCall)
      .filter((c) => c.operation.startsWith('UpdateRoutingControl') && c.answered);
    expect(updates.map((c) => [c.operation, c.entries])).toEqual([
      [
        'UpdateRoutingControlStates',
        [
          { arn: rc.to, state: 'On' },
          { arn: rc.from, state: 'Off' },
        ],
      ],
    ]);
    expect(arc.calls.slice(firstCall).find((c) => c.region === FROM)?.answered).toBe(false);
    // AND the Route 53 control plane was not needed: its silence is reported, not a problem
    expect(stepOf(report, 'preflight')!.detail).toMatch(
      /Route 53 in us-east-1 did not answer .*not needed: the routing controls switch/,
    );
    expect(operations).not.toContain('ChangeResourceRecordSets');
    // AND the record itself was never written (Route 53 health checks follow the routing controls)
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);
    expect(await f.pilotLight.groupNow(TO, drGroup)).toMatchObject({ desired: 3, inService: 3 });
    console.info(
      `routing-control failover: RTO ${report.rtoSeconds} s; preflight ${seconds(report, 'preflight')} s ` +
        `(unreachable checks ${report.unreachable!.map((u) => `${u.service} ${u.waitedMs} ms`).join(', ')}); ` +
        `switch ${seconds(report, 'switch-routing-controls')} s; verify ${seconds(report, 'verify-routing-controls')} s`,
    );
  });

  test('GIVEN Route 53 unreachable WHEN switching by UPSERT THEN preflight fails at once with a clear report naming the cause, and nothing changes', async () => {
    // GIVEN us-east-1 silent, Route 53's control plane included
    const { world, drGroup, request } = await pilotLightWorld();
    f.proxy.setRules(regionOutage(FROM, [...REGIONAL_APIS, 'route53']));

    // WHEN the failover runs in the default upsert mode
    const { result: report, operations } = await callsDuring(() => run(request));

    // THEN it failed in preflight, saying that the UPSERT needs the Route 53 API, and what to use instead
    expect(report.outcome).toBe('failed');
    expect(names(report)).toEqual(['preflight']);
    expect(report.reason).toMatch(
      /Route 53 in us-east-1 did not answer within [\d.]+ s \(hosted zone .*\); the upsert switch needs the Route 53 API, whose control plane is in us-east-1.*dnsSwitch mode "routing-control"/,
    );
    expect(stepOf(report, 'preflight')!.detail).toMatch(/Nothing was changed/);
    expect(seconds(report, 'preflight')).toBeLessThan(15);
    // AND nothing changed: no write, no promotion, the pilot light still asleep
    expect(operations.filter((o) => MUTATIONS.includes(o))).toEqual([]);
    expect(await f.moto.isPromoted(world.request.promoteReplica!.dbInstanceIdentifier)).toBe(false);
    expect(await f.pilotLight.groupNow(TO, drGroup)).toMatchObject({ desired: 0, inService: 0 });
  });
});
