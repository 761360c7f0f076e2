/** The failover runs whose AWS calls test/iam/policy.test.ts records. */
import type { FailoverRequest } from '../../../src/domain/failover/types';
import { type ArcCluster } from '../arc-cluster';
import { testEnv } from '../env';
import { FROM, MotoFailoverFixture, TO } from '../failover/fixture';
import { healthySignals } from '../failover/health';
import { uniqueId, type TestWorker } from '../harness';
import { PilotLightFixture } from '../pilot-light-fixture';

/**
 * A failover that promotes and scales (a MaxSize raised and kept in a tag, a service woken), then
 * its failback by routing controls: the primary's web tier woken within its bounds, and the DR group
 * scaled back in after the switch, its MaxSize put back and the tag removed.
 */
export async function failoverAndBack(w: TestWorker, arc: ArcCluster): Promise<void> {
  const motoUrl = testEnv().motoUrl;
  const world = await new MotoFailoverFixture(motoUrl).world();
  const pilot = new PilotLightFixture(motoUrl);
  const [group, svc, primary] = await Promise.all([
    pilot.group(TO, { min: 0, max: 1, desired: 0 }),
    pilot.service(TO, 0),
    pilot.group(FROM, { min: 0, max: 4, desired: 0 }),
  ]);
  const scale: FailoverRequest['scale'] = [
    { kind: 'autoscaling', region: TO, name: group, desiredCapacity: 2 },
    { kind: 'ecs', region: TO, cluster: svc.cluster, service: svc.service, desiredCount: 1 },
  ];
  const routingControls = { from: arc.addRoutingControl('dr', 'On'), to: arc.addRoutingControl('primary', 'Off') };
  // A short TTL: the failback's scale-in drains for one TTL after its switch.
  const { promoteReplica: _promoted, ...rest } = { ...world.request, ttl: 1 };
  const runs: FailoverRequest[] = [
    // The application healthy again: an alarm read in its region, a health check through Route 53.
    { ...world.request, scale, recoveredWhen: await healthySignals(motoUrl, TO) },
    {
      ...rest,
      from: world.request.to,
      to: world.request.from,
      scale: [
        { kind: 'autoscaling', region: FROM, name: primary, desiredCapacity: 1 },
        { kind: 'autoscaling', region: TO, name: group, desiredCapacity: 1, when: 'after-switch' },
      ],
      dnsSwitch: { mode: 'routing-control', clusterEndpoints: arc.endpoints, routingControls },
    },
  ];
  for (const request of runs) {
    const report = await w.client.workflow.execute('FailoverToRegion', {
      taskQueue: w.taskQueue,
      workflowId: uniqueId('iam-failover'),
      args: [request],
    });
    expect((report as { outcome: string }).outcome).toBe('completed');
  }
}
