import {
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
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
  const tag = (key: string) => {
    const v = group.Tags?.find((t) => t.Key === key)?.Value;
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const [min, max] = [tag(BOUND_TAGS.minSize), tag(BOUND_TAGS.maxSize)];
  return {
    exists: true,
    desired: group.DesiredCapacity ?? 0,
    inService: instances.filter((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy').length,
    pending: instances.filter((i) => i.LifecycleState?.startsWith('Pending')).length,
    ...(group.MinSize === undefined ? {} : { minSize: group.MinSize }),
    ...(group.MaxSize === undefined ? {} : { maxSize: group.MaxSize }),
    ...(min !== undefined || max !== undefined
      ? {
          boundsBefore: {
            ...(min === undefined ? {} : { minSize: min }),
            ...(max === undefined ? {} : { maxSize: max }),
          },
        }
      : {}),
  };
}

/**
 * Where a failover keeps a group's bound as it was before the failover moved it, so that the run
 * the other way puts it back: MaxSize raised for the DR side's scale-out, MinSize lowered for the
 * old side's scale-in.
 */
export const BOUND_TAGS = { maxSize: 'vpc-peering:raised-max', minSize: 'vpc-peering:lowered-min' } as const;

/** The bounds to put back: those an earlier failover moved, when `desired` fits them again. */
export function boundsToRestore(state: CapacityState, desired: number): BoundsChange {
  const was = state.boundsBefore ?? {};
  return {
    ...(was.maxSize !== undefined && desired <= was.maxSize && state.maxSize !== was.maxSize
      ? { maxSize: { from: state.maxSize ?? was.maxSize, to: was.maxSize } }
      : {}),
    ...(was.minSize !== undefined && desired >= was.minSize && state.minSize !== was.minSize
      ? { minSize: { from: state.minSize ?? was.minSize, to: was.minSize } }
      : {}),
  };
}

/**
 * Tags the bounds about to move with their values before, unless an earlier attempt (or an earlier
 * failover not yet put back) already did: the first value is the one to return to. Answers the tags
 * written. Done before the bounds move, so a retry after a lost response still knows them.
 */
export async function keepBoundsBefore(
  client: AutoScalingClient,
  name: string,
  state: CapacityState,
  bounds: BoundsChange,
): Promise<string[]> {
  const tags = (['maxSize', 'minSize'] as const)
    .filter((k) => bounds[k] && state.boundsBefore?.[k] === undefined)
    .map((k) => ({ key: BOUND_TAGS[k], value: String(bounds[k]!.from) }));
  if (!tags.length) return [];
  await client.send(
    new CreateOrUpdateTagsCommand({
      Tags: tags.map((t) => ({
        ResourceId: name,
        ResourceType: 'auto-scaling-group',
        Key: t.key,
        Value: t.value,
        PropagateAtLaunch: false,
      })),
    }),
  );
  return tags.map((t) => `${t.key}=${t.value}`);
}

/**
 * Forgets the bounds put back, and any whose tag a retry finds already matching the group (its
 * earlier attempt put it back, then lost the answer). Deleting a tag already gone succeeds.
 */
export async function forgetBoundsBefore(
  client: AutoScalingClient,
  name: string,
  state: CapacityState,
  restored: BoundsChange,
) {
  const keys = (['maxSize', 'minSize'] as const)
    .filter((k) => restored[k] || (state.boundsBefore?.[k] !== undefined && state[k] === state.boundsBefore[k]))
    .map((k) => BOUND_TAGS[k]);
  if (!keys.length) return;
  await client.send(
    new DeleteTagsCommand({
      Tags: keys.map((Key) => ({ ResourceId: name, ResourceType: 'auto-scaling-group', Key })),
    }),
  );
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
