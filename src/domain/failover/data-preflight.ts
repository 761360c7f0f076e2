/**
 * The data side of the failover preflight: is the instance to promote a replica (or one this
 * project already promoted away from the same region, so a re-run resumes), how much data the
 * promotion may lose (the measured RPO), and, in planned mode, whether both regions answer. Pure,
 * so every rule and wording is tested without a server.
 */
import type { ReplicationState } from '../database/types';
import { isPlanned } from './planned';
import { describeUnreachable, type ReplicaState } from './reads';
import type { FailoverRequest, FailoverRpo, Unreachable } from './types';

/** Replica states from which no promotion can follow without a person stepping in. */
export const UNPROMOTABLE = [
  'deleting',
  'failed',
  'stopped',
  'stopping',
  'storage-full',
  'incompatible-restore',
  'incompatible-parameters',
  'incompatible-network',
  'inaccessible-encryption-credentials',
];

/** An activity's answer or why not, as preflight.ts settles it (kept apart to avoid an import cycle). */
type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

/** The parts of the preflight reading the data side writes. */
interface PreflightReading {
  found: string[];
  problems: string[];
  unreachable: Unreachable[];
  replicaSource?: string;
}

export interface DataFacts {
  /** The replica as `describeReplica` found it. */
  replica?: Settled<ReplicaState>;
  /** Its replication status and newest ReplicaLag, read in its own region. */
  replication: Settled<ReplicationState>;
}

/** What the data side adds to the preflight reading. */
export interface DataReading {
  rpo?: FailoverRpo;
  /** The instance was promoted away from `from.region` by this project: the promotion step finds it done. */
  resumesPromotion?: boolean;
}

const at = (iso?: string) => (iso ? ` at ${iso}` : '');

/** The RPO as measured: the newest ReplicaLag, or unknown (no datapoint, or -1: replication not running). */
export function measuredRpo(state: ReplicationState | undefined): FailoverRpo {
  const status = state?.status ? { replicationStatus: state.status } : {};
  if (!state || state.lagSeconds === null || state.lagSeconds < 0)
    return { seconds: null, basis: 'unknown', ...status };
  return {
    seconds: state.lagSeconds,
    basis: 'replica-lag',
    ...(state.measuredAt ? { measuredAt: state.measuredAt } : {}),
    ...status,
  };
}

export function describeRpo(rpo: FailoverRpo): string {
  if (rpo.seconds === null)
    return `unknown (no ReplicaLag datapoint in the last 15 minutes${rpo.replicationStatus ? `; replication ${rpo.replicationStatus}` : ''})`;
  return `${rpo.seconds} s (${rpo.basis}${at(rpo.measuredAt)})`;
}

/**
 * Reads the replica and its replication into `reading` (found, problems, and the data side's own
 * fields). Replaces the older reading of the replica, which promoted whatever it was given.
 */
export function readDataSide(
  req: FailoverRequest,
  db: ReplicaState | undefined,
  facts: DataFacts,
  reading: PreflightReading & DataReading,
): void {
  const replica = req.promoteReplica;
  if (!replica || !db) return;
  const { found, problems } = reading;
  const name = `replica ${replica.dbInstanceIdentifier} in ${replica.region}`;
  if (!db.exists) {
    problems.push(`${name} does not exist`);
    return;
  }
  if (UNPROMOTABLE.includes(db.status ?? '')) {
    problems.push(`${name} is ${db.status}; it cannot be promoted`);
    return;
  }
  if (!db.replicaSource) {
    if (!req.drill && db.promotedFrom === req.from.region && db.promotedBy) {
      found.push(
        `${name} is no longer a replica: it was promoted away from ${req.from.region} by ${db.promotedBy} (tagged vpc-peering:promoted-by); the promotion step will find it done`,
      );
      reading.resumesPromotion = true;
      reading.rpo = { seconds: null, basis: 'unknown' };
      return;
    }
    const promoted = db.promotedFrom
      ? ` (it was promoted away from ${db.promotedFrom}, not from ${req.from.region})`
      : ' (it replicates from nothing)';
    problems.push(
      `${name} is not a read replica${promoted}: only a replica is promoted, or a stale copy would become the writer. After a failover, re-protect the old primary first (ReprotectDatabase) and promote the replica that makes`,
    );
    return;
  }
  found.push(`${name} is a read replica of ${db.replicaSource} (${db.status})`);
  reading.replicaSource = db.replicaSource;
  readRpo(req, facts.replication, name, reading);
}

function readRpo(
  req: FailoverRequest,
  read: Settled<ReplicationState>,
  name: string,
  reading: PreflightReading & DataReading,
) {
  const state = read.ok ? read.value : undefined;
  const rpo = measuredRpo(state);
  reading.rpo = rpo;
  if (!read.ok) reading.found.push(`${name}'s replication could not be read: ${read.error}`);
  else reading.found.push(`${name}: replication ${state?.status ?? 'unknown'}, RPO ${describeRpo(rpo)}`);
  const max = req.promoteReplica?.maxRpoSeconds;
  if (isPlanned(req)) {
    if (state && state.status !== 'replicating')
      reading.problems.push(
        `${name}'s replication is ${state.status}, not replicating: a planned run waits for its lag to drain to 0, which cannot happen`,
      );
    else if (!read.ok) reading.problems.push(`${name}'s replication could not be read, and a planned run drains it`);
    return;
  }
  // A drill never promotes, so it loses nothing; its own `replication` check holds maxRpoSeconds.
  if (req.drill || max === undefined) return;
  if (rpo.seconds === null)
    reading.problems.push(
      `${name}'s RPO is ${describeRpo(rpo)}, and maxRpoSeconds ${max} needs a measured lag: nothing was promoted`,
    );
  else if (rpo.seconds > max)
    reading.problems.push(
      `${name}'s ReplicaLag is ${rpo.seconds} s${at(rpo.measuredAt)}, above maxRpoSeconds ${max}: promoting it now could lose ${rpo.seconds} s of writes`,
    );
}

/** Planned mode is a switchover: both regions must answer, since the fence and the drain need the source. */
export function readPlannedReach(req: FailoverRequest, reading: PreflightReading): void {
  if (!isPlanned(req) || !reading.unreachable.length) return;
  reading.problems.push(
    `a planned run needs both regions to answer, and ${reading.unreachable.map(describeUnreachable).join('; ')}: run it unplanned (the default) if ${req.from.region} is down`,
  );
}
