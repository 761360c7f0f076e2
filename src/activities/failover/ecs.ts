import {
  DescribeServicesCommand,
  UpdateServiceCommand,
  waitUntilServicesStable,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { AwsErrors, isNamed } from '../aws/errors';
import { STEP_WAIT, waitWithHeartbeat } from '../aws/waiting';
import { type CapacityState } from '../../domain/failover/types';

/** An ECS service as the failover sees it; `exists: false` when the cluster or the service is missing. */
export async function describeService(client: ECSClient, cluster: string, service: string): Promise<CapacityState> {
  let out;
  try {
    out = await client.send(new DescribeServicesCommand({ cluster, services: [service] }));
  } catch (err) {
    if (isNamed(err, AwsErrors.EcsClusterNotFound)) return { exists: false, desired: 0, inService: 0, pending: 0 };
    throw err;
  }
  const s = out.services?.[0];
  if (!s || s.status === 'INACTIVE') return { exists: false, desired: 0, inService: 0, pending: 0 };
  return {
    exists: true,
    desired: s.desiredCount ?? 0,
    inService: s.runningCount ?? 0,
    pending: s.pendingCount ?? 0,
    ...(s.status && s.status !== 'ACTIVE' ? { blocked: `the service is ${s.status}` } : {}),
  };
}

export async function setServiceCount(client: ECSClient, cluster: string, service: string, desired: number) {
  await client.send(new UpdateServiceCommand({ cluster, service, desiredCount: desired }));
}

/** The SDK's ServicesStable waiter: one deployment, and runningCount equal to desiredCount. */
export async function waitServiceStable(
  client: ECSClient,
  cluster: string,
  service: string,
  maxWaitSeconds: number,
): Promise<void> {
  await waitWithHeartbeat({ cluster, service, waitingFor: 'running tasks = desired count' }, (abortSignal) =>
    waitUntilServicesStable(
      { client, ...STEP_WAIT, maxWaitTime: maxWaitSeconds, ...(abortSignal ? { abortSignal } : {}) },
      { cluster, services: [service] },
    ),
  );
}
