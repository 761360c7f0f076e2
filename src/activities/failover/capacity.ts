import type { ScaleAction } from '../../domain/failover/types';
import { boundsFor, describeCapacity, desiredOf, scaleTarget, unitOf } from '../../domain/failover/capacity';
import type { AwsClients } from '../aws/clients';
import {
  boundsToRestore,
  describeGroup,
  forgetBoundsBefore,
  keepBoundsBefore,
  setGroupCapacity,
  waitGroupInService,
} from './autoscaling';
import { describeService, setServiceCount, waitServiceStable } from './ecs';
import { isNamed, nonRetryable, retryable } from '../aws/errors';
import { probe } from '../aws/reachability';
import { FailureTypes } from '../../domain/failure-types';
import { type CapacityState, type BoundsChange } from '../../domain/failover/types';

export interface CapacityInput {
  action: ScaleAction;
  /** Read through a probe client, for a region that may be down: no answer fails at once with `Unreachable`. */
  bounded?: boolean;
}

export interface ScaleInput extends CapacityInput {
  /** The desired capacity preflight saw, which says whether this scales out or in. @default what this call finds */
  desiredBefore?: number;
  /** @default 900 */
  maxWaitSeconds?: number;
}

export interface ScaleResult {
  /** As this call found it (on a retry, after the earlier attempt's change). */
  before: CapacityState;
  after: CapacityState;
  /** False when the desired capacity was already set (a retry, or nothing to do). */
  changed: boolean;
  bounds: BoundsChange;
  /** Bounds an earlier failover moved, put back now that the capacity fits them again. */
  restored?: BoundsChange;
  /** The tags that keep the moved bounds' old values (`key=value`), for the run the other way. */
  tagged?: string[];
  waitedSeconds: number;
}

/** Instances take minutes to boot and pass health checks; a quarter of an hour means something is wrong. */
const DEFAULT_MAX_WAIT_SECONDS = 900;

export function createCapacityActivities(clients: AwsClients) {
  const read = (action: ScaleAction, bounded: boolean | undefined): Promise<CapacityState> => {
    const c = bounded ? clients.probe : clients;
    const service = action.kind === 'autoscaling' ? 'autoscaling' : 'ecs';
    const check = () =>
      action.kind === 'autoscaling'
        ? describeGroup(c.autoScaling(action.region), action.name)
        : describeService(c.ecs(action.region), action.cluster, action.service);
    return bounded ? probe({ region: action.region, service, check: scaleTarget(action) }, check) : check();
  };

  /** Read-only: the group or service and its capacity, for preflight and for drills. */
  async function checkCapacity(input: CapacityInput): Promise<CapacityState> {
    return read(input.action, input.bounded);
  }

  /**
   * Sets the desired capacity (moving MinSize or MaxSize only as far as needed) and waits until it
   * is in service: InService instances for a group, running tasks for a service. Safe to run
   * again: a capacity already set is only waited for.
   */
  async function scaleCapacity(input: ScaleInput): Promise<ScaleResult> {
    const { action } = input;
    const desired = desiredOf(action);
    const target = scaleTarget(action);
    const started = Date.now();
    const before = await read(action, input.bounded);
    if (!before.exists) throw nonRetryable(FailureTypes.ScaleTargetNotFound, `${target} does not exist`);
    if (before.blocked)
      throw nonRetryable(FailureTypes.ScaleTargetNotFound, `${target} cannot scale: ${before.blocked}`);
    const needed = boundsFor(before, desired);
    const restored = action.kind === 'autoscaling' ? boundsToRestore(before, desired) : {};
    const bounds = { ...needed, ...restored };
    const changed = before.desired !== desired || Boolean(bounds.maxSize || bounds.minSize);
    let tagged: string[] = [];
    const maxWait = input.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
    let after: CapacityState | undefined;
    if (action.kind === 'autoscaling') {
      const client = clients.autoScaling(action.region);
      if (changed) {
        tagged = await keepBoundsBefore(client, action.name, before, needed);
        await setGroupCapacity(client, action.name, desired, bounds);
      }
      await forgetBoundsBefore(client, action.name, before, restored);
      const wait = await waitGroupInService(
        client,
        action.name,
        desired,
        input.desiredBefore ?? before.desired,
        maxWait,
      );
      if (!wait.reached) {
        const now = wait.state ? describeCapacity(wait.state, 'instances') : 'unknown';
        if (wait.state && !wait.state.exists)
          throw nonRetryable(FailureTypes.ScaleTargetNotFound, `${target} was deleted while scaling`);
        throw retryable(
          FailureTypes.CapacityTimeout,
          `${target} is not at ${desired} InService after ${maxWait} s: ${now}`,
        );
      }
      after = wait.state;
    } else {
      const client = clients.ecs(action.region);
      if (changed) await setServiceCount(client, action.cluster, action.service, desired);
      try {
        await waitServiceStable(client, action.cluster, action.service, maxWait);
      } catch (err) {
        // The waiter's own errors: a timeout, or FAILURE (the service missing, DRAINING or INACTIVE).
        const timedOut = isNamed(err, 'TimeoutError');
        const failed = isNamed(err, 'Error') && /"state":"FAILURE"/.test((err as Error).message);
        if (!timedOut && !failed) throw err;
        const now = await read(action, false);
        if (failed || !now.exists || now.blocked) {
          const why = now.blocked ?? (now.exists ? 'stopped answering as a stable service' : 'was deleted');
          throw nonRetryable(FailureTypes.ScaleTargetNotFound, `${target} ${why} while scaling`);
        }
        throw retryable(
          'CapacityTimeout',
          `${target} is not at ${desired} running after ${maxWait} s: ${describeCapacity(now, 'tasks')}`,
        );
      }
    }
    after = after ?? (await read(action, false));
    if (after.desired !== desired) {
      throw retryable(
        FailureTypes.CapacityChanged,
        `${target} reads ${describeCapacity(after, unitOf(action))}, not ${desired}`,
      );
    }
    return {
      before,
      after,
      changed,
      bounds,
      ...(restored.maxSize || restored.minSize ? { restored } : {}),
      ...(tagged.length ? { tagged } : {}),
      waitedSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
  }

  return { checkCapacity, scaleCapacity };
}
