import { ApplicationFailure, isCancellation, workflowInfo } from '@temporalio/workflow';
import { roleSessionName, type SideAccess } from '../../domain/aws/access';
import type { PeeringRole, Unreachable } from '../../domain/failover/types';
import type { Settled } from '../../domain/failover/preflight';
import { FailureTypes } from '../../domain/failure-types';
import { explain, rootCause } from '../failures';

/**
 * A preflight read settled: its value, or why it failed (unreachable when the region did not answer).
 * `refuse`: a failure that ends the run as it is rather than as a finding (bad input).
 */
export async function settle<T>(
  call: Promise<T>,
  refuse: (err: unknown) => ApplicationFailure | undefined = () => undefined,
): Promise<Settled<T>> {
  try {
    return { ok: true, value: await call };
  } catch (err) {
    if (isCancellation(err)) throw err;
    const refused = refuse(err);
    if (refused) throw refused;
    const cause = rootCause(err);
    const unreachable =
      cause instanceof ApplicationFailure && cause.type === FailureTypes.Unreachable
        ? (cause.details?.[0] as Unreachable)
        : undefined;
    return { ok: false, error: explain(err), ...(unreachable ? { unreachable } : {}) };
  }
}

/** The peering's roles with this run's session name, so each side's account sees which run read it. */
export function peeringRoles(roles: PeeringRole[]): Array<{ region: string } & SideAccess> {
  const session = roleSessionName(workflowInfo().workflowId);
  return roles.map((r) => ({ ...r, roleSessionName: session }));
}
