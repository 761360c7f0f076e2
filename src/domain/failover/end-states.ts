/**
 * Whether a failover whose traffic is already on `to` has anything left to do. Traffic on `to`
 * (the record, or the routing controls) is one end state of several: the database promoted, and
 * every scale action's capacity at its target. A run that finds traffic moved but another end state
 * missing (the controls flipped by hand first; an outage that skipped the old side's scale-in)
 * goes on and completes what is missing, without switching again. Pure, like the preflight reading.
 */
import { capacityReached, desiredOf, scaleTarget } from './capacity';
import type { PreflightReading, Settled } from './preflight';
import type { ReplicaState } from './reads';
import type { FailoverRequest } from './types';

export interface EndStates {
  /** What holds, for the report. */
  holding: string[];
  /** What does not hold yet: the run does these. */
  missing: string[];
}

/** `replica`: as preflight read it (already settled: awaiting it again schedules nothing). */
export function readEndStates(
  req: FailoverRequest,
  replica: Settled<ReplicaState> | undefined,
  reading: PreflightReading,
): EndStates {
  const holding: string[] = [];
  const missing: string[] = [];
  const wanted = req.promoteReplica;
  if (wanted) {
    const name = `${wanted.dbInstanceIdentifier} in ${wanted.region}`;
    const db = replica?.ok ? replica.value : undefined;
    if (!db) missing.push(`${name} could not be read, so it is not known to be promoted`);
    else if (!db.exists) missing.push(`${name} does not exist`);
    else if (db.replicaSource) missing.push(`${name} is still a read replica of ${db.replicaSource}: promote it`);
    else holding.push(`${name} is promoted (no replication source)`);
  }
  for (const [i, action] of (req.scale ?? []).entries()) {
    const state = reading.capacity[i];
    const desired = desiredOf(action);
    // Not read (its region did not answer): its step is skipped either way; a later run finishes it.
    if (!state?.exists) continue;
    if (capacityReached(state, desired, desired)) holding.push(`${scaleTarget(action)} is at ${desired}`);
    else if (state.desired === desired)
      missing.push(`${scaleTarget(action)} is at desired ${desired} with ${state.inService} in service`);
    else missing.push(`${scaleTarget(action)} is at desired ${state.desired}, not ${desired}`);
  }
  return { holding, missing };
}
