/** The words of a cancelled failover's report: what each interrupted step leaves behind, and what changed. */
import type { ReplicaState } from './reads';
import type { FailoverReport, FailoverStepName } from './types';

/** Steps whose `ok` means AWS was changed. */
const CHANGES = /^(promote-replica|switch-record|switch-routing-controls|scale:.*|create-drill-record)$/;

/** The steps that changed AWS before the cancellation, with their details. */
export function changesMade(report: FailoverReport): string[] {
  return report.steps
    .filter((s) => s.outcome === 'ok' && CHANGES.test(s.name) && !/already|nothing to|unchanged/i.test(s.detail))
    .map((s) => `${s.name}: ${s.detail}`);
}

export interface InterruptedFacts {
  /** The replica as read after the cancellation, or why it could not be read. */
  replica?: ReplicaState | string;
  /** What preflight saw it replicate from. */
  replicaSource?: string;
}

/** What a step cut short by a cancellation leaves behind: AWS finishes what it accepted. */
export function interruptedDetail(name: FailoverStepName, f: InterruptedFacts): string {
  if (name === 'promote-replica') {
    const r = f.replica;
    if (r === undefined) return 'cancelled while promoting';
    if (typeof r === 'string') return `cancelled while promoting; the replica could not be read back (${r})`;
    if (!r.exists) return `cancelled while promoting; ${r.dbInstanceIdentifier} is not found in ${r.region}`;
    if (!r.replicaSource)
      return `cancelled while promoting: ${r.dbInstanceIdentifier} is promoted (${r.status ?? 'status unknown'}, no replication source) and stays so; DNS was not moved by this step`;
    if (r.status && r.status !== 'available')
      return `cancelled while promoting: RDS accepted the promotion of ${r.dbInstanceIdentifier} (${r.status}); it keeps going and is not undone`;
    return `cancelled before RDS promoted ${r.dbInstanceIdentifier}: it is still a read replica of ${r.replicaSource}`;
  }
  if (name.startsWith('scale:'))
    return 'cancelled while waiting for the capacity: a desired capacity already set stays, and AWS keeps scaling toward it';
  if (name === 'switch-record' || name === 'switch-routing-controls')
    return 'cancelled during the switch: a change Route 53 accepted is applied; recordAfter is the record as read back';
  if (name === 'approval') return 'cancelled while waiting for a decision; nothing was changed';
  if (name === 'recovered') return 'cancelled while waiting for the health signals; the switch stands';
  return 'cancelled';
}
