/**
 * The FailoverToRegion histories of "one switch per record", for test/record/failover.ts:
 *
 *   npx ts-node --transpile-only test/record/failover.ts switch-drain record-moved routing-control-batch
 *
 * - `switch-drain`: the DELETE+CREATE switch (patched 'failover-switch-one-batch'), a bound kept in a
 *   tag, and the old side's scale-in a TTL (1 s) after the verified switch ('failover-switch-drain');
 * - `record-moved`: the record moved by hand first, the replica still a replica: the run promotes and
 *   does not write the record again ('failover-switch-end-states');
 * - `routing-control-batch`: both routing controls in one UpdateRoutingControlStates call
 *   ('failover-switch-arc-batch').
 */
import type { FailoverRequest } from '../../src/domain/failover/types';
import { FROM, TO } from '../support/failover/fixture';
import type { Kit } from './failover';

type History = (k: Kit) => Promise<{ request: FailoverRequest }>;

/** The DR web group (MaxSize 1, so it is raised and tagged) and service, and the primary's group to scale in. */
async function pilotLight(k: Kit, name: string): Promise<FailoverRequest> {
  const world = await k.fixture.world(name);
  const [drGroup, svc, primary] = await Promise.all([
    k.pilot.group(TO, { min: 0, max: 1, desired: 0 }, `${name}-web-dr`),
    k.pilot.service(TO, 0),
    k.pilot.group(FROM, { min: 1, max: 4, desired: 2 }, `${name}-web`),
  ]);
  return {
    ...world.request,
    ttl: 1,
    scale: [
      { kind: 'autoscaling', region: TO, name: drGroup, desiredCapacity: 2 },
      { kind: 'ecs', region: TO, cluster: svc.cluster, service: svc.service, desiredCount: 2 },
      { kind: 'autoscaling', region: FROM, name: primary, desiredCapacity: 0, when: 'after-switch' },
    ],
  };
}

export const SWITCH_HISTORIES: Record<string, History> = {
  'switch-drain': async (k) => ({ request: await pilotLight(k, 'abc-switch-drain') }),
  'record-moved': async (k) => {
    const world = await k.fixture.world('abc-record-moved');
    await k.fixture.upsert(world.zoneId, world.request.recordName, world.drValue);
    return { request: world.request };
  },
  'routing-control-batch': async (k) => {
    const request = await pilotLight(k, 'abc-rc-batch');
    const routingControls = {
      from: k.arc.addRoutingControl('primary', 'On'),
      to: k.arc.addRoutingControl('dr', 'Off'),
    };
    return {
      request: {
        ...request,
        dnsSwitch: { mode: 'routing-control', clusterEndpoints: k.arc.endpoints, routingControls },
      },
    };
  },
};
