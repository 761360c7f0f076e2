/**
 * Already on target only when every end state holds: traffic on `to` (the record, or the routing
 * controls), the database promoted, and each scale action's capacity at its target. A run that
 * finds traffic moved but something else missing completes it, without switching again: routing
 * controls flipped by hand first still get their promotion; the old side's scale-in that an outage
 * skipped is done by the same request run again once its region answers.
 */
import { startArcCluster, type ArcCluster } from '../support/arc-cluster';
import { FROM, TO } from '../support/failover/fixture';
import { names, stepOf, useFailoverSuite } from '../support/failover/suite';
import { REGIONAL_APIS, regionOutage } from '../../harness/fault-proxy';

const f = useFailoverSuite({ proxy: { capacity: { instanceWarmupMs: 500, taskWarmupMs: 500 } } });
const { run, callsDuring } = f;

let arc: ArcCluster;
beforeAll(async () => {
  arc = await startArcCluster([FROM, TO]);
});
afterAll(async () => {
  await arc?.close();
});
afterEach(() => f.proxy.clearRules());

function routingControls(fromState: 'On' | 'Off', toState: 'On' | 'Off') {
  const from = arc.addRoutingControl('abc-primary', fromState);
  const to = arc.addRoutingControl('abc-dr', toState);
  return {
    from,
    to,
    dnsSwitch: { mode: 'routing-control' as const, clusterEndpoints: arc.endpoints, routingControls: { from, to } },
  };
}

describe('FailoverToRegion: every end state, not DNS alone', () => {
  test('GIVEN routing controls on us-east-1 WHEN failing over through them THEN both are set in one UpdateRoutingControlStates call', async () => {
    const world = await f.moto.world();
    const rc = routingControls('On', 'Off');
    const first = arc.calls.length;

    const report = await run({ ...world.request, dnsSwitch: rc.dnsSwitch });

    expect(report.outcome).toBe('completed');
    const updates = arc.calls.slice(first).filter((c) => c.operation.startsWith('UpdateRoutingControl'));
    expect(updates.map((c) => [c.operation, c.entries])).toEqual([
      [
        'UpdateRoutingControlStates',
        [
          { arn: rc.to, state: 'On' },
          { arn: rc.from, state: 'Off' },
        ],
      ],
    ]);
    expect([arc.stateOf(rc.to), arc.stateOf(rc.from)]).toEqual(['On', 'Off']);
  });

  test('GIVEN the routing controls flipped by hand first, the replica still replicating WHEN the failover runs THEN it still promotes, and does not set the controls again', async () => {
    // GIVEN traffic already on eu-west-1 by hand, the database not moved
    const world = await f.moto.world();
    const rc = routingControls('Off', 'On');
    const first = arc.calls.length;

    // WHEN the failover runs
    const report = await run({ ...world.request, dnsSwitch: rc.dnsSwitch });

    // THEN it did not stop at "already on target": it promoted the replica
    expect({ outcome: report.outcome, reason: report.reason }).toEqual({ outcome: 'completed', reason: undefined });
    expect(names(report)).not.toContain('already-on-target');
    expect(stepOf(report, 'preflight')!.detail).toMatch(
      /traffic is already on eu-west-1, but not every end state holds: .* is still a read replica of/,
    );
    expect(report.promotion).toBe('promoted');
    expect(await f.moto.isPromoted(world.request.promoteReplica!.dbInstanceIdentifier)).toBe(true);
    // AND the controls were read back, not written
    expect(stepOf(report, 'switch-routing-controls')!.outcome).toBe('skipped');
    expect(stepOf(report, 'verify-routing-controls')!.outcome).toBe('ok');
    expect(arc.calls.slice(first).filter((c) => c.operation.startsWith('UpdateRoutingControl'))).toEqual([]);
  });

  test('GIVEN an outage skipped the old side scale-in WHEN the same request runs again once us-east-1 answers THEN it scales the old side in, and does not switch again', async () => {
    // GIVEN a failover in an outage of us-east-1: its after-switch scale-in was skipped
    const world = await f.moto.world();
    const primary = await f.pilotLight.group(FROM, { min: 0, max: 4, desired: 2 });
    const request = {
      ...world.request,
      ttl: 1,
      scale: [
        {
          kind: 'autoscaling' as const,
          region: FROM,
          name: primary,
          desiredCapacity: 0,
          when: 'after-switch' as const,
        },
      ],
    };
    f.proxy.setRules(regionOutage(FROM, REGIONAL_APIS));
    const first = await run(request);
    expect(first.outcome).toBe('completed');
    expect(stepOf(first, `scale:${FROM}:${primary}`)!.outcome).toBe('skipped');
    expect(await f.pilotLight.groupNow(FROM, primary)).toMatchObject({ desired: 2 });

    // WHEN us-east-1 answers again and the same request runs again
    f.proxy.clearRules();
    const { result: again, operations } = await callsDuring(() => run(request));

    // THEN it found the scale-in missing, did it, and wrote no DNS
    expect({ outcome: again.outcome, reason: again.reason }).toEqual({ outcome: 'completed', reason: undefined });
    expect(stepOf(again, 'preflight')!.detail).toMatch(/not every end state holds: .*is at desired 2, not 0/);
    expect(stepOf(again, 'switch-record')!.outcome).toBe('skipped');
    expect(stepOf(again, `scale:${FROM}:${primary}`)).toMatchObject({ outcome: 'ok' });
    expect(operations).not.toContain('ChangeResourceRecordSets');
    expect(operations).not.toContain('PromoteReadReplica');
    expect(await f.pilotLight.groupNow(FROM, primary)).toMatchObject({ desired: 0, inService: 0 });
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);

    // AND a third run finds every end state, and changes nothing
    const { result: third, operations: none } = await callsDuring(() => run(request));
    expect(names(third)).toEqual(['preflight', 'already-on-target']);
    expect(stepOf(third, 'preflight')!.detail).toMatch(/every end state holds: .* is promoted/);
    expect(none).not.toContain('ChangeResourceRecordSets');
  });
});
