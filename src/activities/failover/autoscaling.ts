import {
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import { WaiterState } from '@smithy/util-waiter';
import { capacityReached } from '../../domain/failover/capacity';
import { STEP_WAIT, pollWithHeartbeat } from '../aws/waiting';
import { type CapacityState, type BoundsChange } from '../../domain/failover/types';

/** An EC2 Auto Scaling group as the failover sees it; `exists: false` when there is none by that name. */
export async function describeGroup(client: AutoScalingClient, name: string): Promise<CapacityState> {
  const out = await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const group = out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
  if (!group) return { exists: false, desired: 0, inService: 0, pending: 0 };
  const instances = group.Instances ?? [];
  return {
    exists: true,
    desired: group.DesiredCapacity ?? 0,
    inService: instances.filter((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy').length,
    pending: instances.filter((i) => i.LifecycleState?.startsWith('Pending')).length,
    ...(group.MinSize === undefined ? {} : { minSize: group.MinSize }),
    ...(group.MaxSize === undefined ? {} : { maxSize: group.MaxSize }),
  };
}

/**
 * Sets the desired capacity. AWS refuses a capacity outside MinSize..MaxSize (moto accepts it), so
 * when a bound is in the way it is moved in the same call, only as far as needed.
 */
export async function setGroupCapacity(
  client: AutoScalingClient,
  name: string,
  desired: number,
  bounds: BoundsChange,
): Promise<void> {
  if (bounds.maxSize || bounds.minSize) {
    await client.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        DesiredCapacity: desired,
        ...(bounds.maxSize ? { MaxSize: bounds.maxSize.to } : {}),
        ...(bounds.minSize ? { MinSize: bounds.minSize.to } : {}),
      }),
    );
    return;
  }
  // HonorCooldown false: a failover does not wait for a cooldown meant for scaling policies.
  await client.send(
    new SetDesiredCapacityCommand({ AutoScalingGroupName: name, DesiredCapacity: desired, HonorCooldown: false }),
  );
}

/** Waits until the group's instances are InService and Healthy at `desired` (or drained down to it). */
export async function waitGroupInService(
  client: AutoScalingClient,
  name: string,
  desired: number,
  desiredBefore: number,
  maxWaitSeconds: number,
): Promise<{ reached: boolean; state: CapacityState | undefined }> {
  const { state, seen } = await pollWithHeartbeat({ client, ...STEP_WAIT, maxWaitTime: maxWaitSeconds }, async (c) => {
    const now = await describeGroup(c, name);
    if (!now.exists) return { state: WaiterState.FAILURE, seen: now };
    return {
      state: capacityReached(now, desired, desiredBefore) ? WaiterState.SUCCESS : WaiterState.RETRY,
      seen: now,
    };
  });
  return { reached: state === WaiterState.SUCCESS, state: seen };
}
