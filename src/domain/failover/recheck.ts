/**
 * The re-read before a late decision is acted on: does the record (and the replica) still hold what
 * preflight saw? Pure, so each wording is tested without a server.
 */
import type { ReplicationState } from '../database/types';
import { sameRecordValue } from './dns-names';
import type { RecordRead } from './reads';
import type { FailoverRequest, RecordSnapshot } from './types';

export type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

export interface RecheckFacts {
  /** The record as preflight read it (in a drill, as the drill made it). */
  recordBefore: RecordSnapshot | null;
  record: Settled<RecordRead>;
  /** With a replica to promote. */
  replication?: Settled<ReplicationState>;
  /** What preflight saw the replica replicate from. */
  replicaSource?: string;
}

const show = (r: RecordSnapshot | null) => (r ? `${r.value} (TTL ${r.ttl ?? 'none'})` : 'absent');

/** `problems` stop the run (nothing changed); `notes` say what was read. */
export function recheckFindings(req: FailoverRequest, f: RecheckFacts): { problems: string[]; notes: string[] } {
  const problems: string[] = [];
  const notes: string[] = [];
  const name = f.recordBefore?.name ?? req.recordName;
  if (!f.record.ok) {
    notes.push(`${name} could not be read again (${f.record.error}); the switch checks it as it writes`);
  } else {
    const now = f.record.value.record;
    const before = f.recordBefore;
    const same =
      now === null || before === null
        ? now === before
        : now.values.length === before.values.length &&
          now.values.every((v, i) => sameRecordValue(req.recordType, v, before.values[i]!)) &&
          now.ttl === before.ttl;
    if (same) notes.push(`${name} still holds ${show(now)}, as preflight saw`);
    else problems.push(`${name} changed since preflight: it was ${show(before)}, it is now ${show(now)}`);
  }
  const replica = req.promoteReplica;
  const r = f.replication;
  if (replica && r) {
    const id = replica.dbInstanceIdentifier;
    if (!r.ok) notes.push(`${id}'s replication could not be read again (${r.error})`);
    else {
      const s = r.value;
      const lag = s.lagSeconds === null ? 'no ReplicaLag datapoint' : `ReplicaLag ${s.lagSeconds} s`;
      if (s.status === 'not-found') problems.push(`${id} no longer exists in ${replica.region}`);
      else if (f.replicaSource && s.status === 'not-a-replica')
        problems.push(`${id} was a replica of ${f.replicaSource} at preflight and is no longer one (promoted since?)`);
      else if (f.replicaSource && s.source && s.source !== f.replicaSource)
        problems.push(`${id} replicated from ${f.replicaSource} at preflight and from ${s.source} now`);
      else if (
        replica.maxRpoSeconds !== undefined &&
        f.replicaSource &&
        !(s.lagSeconds !== null && s.lagSeconds >= 0 && s.lagSeconds <= replica.maxRpoSeconds)
      )
        problems.push(`${id}: ${lag}, above maxRpoSeconds ${replica.maxRpoSeconds} (or unknown)`);
      else notes.push(`${id}: replication ${s.status}, ${lag}`);
    }
  }
  return { problems, notes };
}
