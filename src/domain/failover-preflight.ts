/**
 * Reading the failover preflight: what the read-only checks found, what stops the run, and whether
 * traffic is already on the target. Pure, so every wording and rule is tested without a server.
 */
import { isInZone, normalizeRecordName, sameRecordValue } from './dns-names';
import type { HostedZoneInfo, PeeringPathCheck, RecordRead, ReplicaState } from './failover-reads';
import type { FailoverRequest, RecordSnapshot } from './failover-types';
import { targetRecordName } from './validate-failover';

/** An activity's answer, or why it could not give one (already explained, `Type: message`). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

export interface PreflightFacts {
  peering: Settled<PeeringPathCheck>;
  zone: Settled<HostedZoneInfo | null>;
  /** The record the run acts on: the drill record in a drill. */
  record: Settled<RecordRead>;
  /** Drills only: the production record, read and never written. */
  production?: Settled<RecordRead>;
  /** Only with `promoteReplica`. */
  replica?: Settled<ReplicaState>;
}

export interface PreflightReading {
  found: string[];
  problems: string[];
  /** The record already points to `to.value`: nothing to do. */
  alreadyOnTarget: boolean;
  /** Outside a drill, the production record as it was; in a drill, null (the drill record is made later). */
  recordBefore: RecordSnapshot | null;
  /** Drills only. */
  productionRecord?: RecordSnapshot | null;
}

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

export function describeRecord(r: RecordSnapshot): string {
  return `${r.name} ${r.type} → ${r.value}${r.ttl === undefined ? '' : ` (TTL ${r.ttl})`}`;
}

export function readPreflight(req: FailoverRequest, facts: PreflightFacts): PreflightReading {
  const drill = req.drill === true;
  const recordName = normalizeRecordName(targetRecordName(req));
  const productionName = normalizeRecordName(req.recordName);
  const problems: string[] = [];
  const found: string[] = [];
  const reading: PreflightReading = { found, problems, alreadyOnTarget: false, recordBefore: null };
  const settled = <T>(what: string, r: Settled<T> | undefined): T | undefined => {
    if (!r) return undefined;
    if (r.ok) return r.value;
    problems.push(`${what} could not be checked: ${r.error}`);
    return undefined;
  };
  const usable = (what: string, read: RecordRead | undefined): RecordSnapshot | null | undefined => {
    if (read?.unsupported) {
      problems.push(`${what} ${read.unsupported}`);
      return undefined;
    }
    return read?.record;
  };

  const path = settled('the peering', facts.peering);
  if (path) (path.ok ? found : problems).push(path.detail);

  const zone = settled('the hosted zone', facts.zone);
  if (zone === null) problems.push(`hosted zone ${req.hostedZoneId} does not exist`);
  else if (zone) {
    found.push(`zone ${zone.name} (${zone.id})`);
    if (!isInZone(recordName, zone.name)) problems.push(`${recordName} is not in zone ${zone.name}`);
  }

  const current = usable(recordName, settled(drill ? 'the drill record' : 'the record', facts.record));
  const ownValues = [req.from.value, req.to.value];
  if (drill) {
    const prod = usable(productionName, settled('the production record', facts.production));
    if (prod === null) problems.push(`production record ${productionName} ${req.recordType} does not exist`);
    if (prod) found.push(`production ${describeRecord(prod)} (read only)`);
    reading.productionRecord = prod ?? null;
    if (current === null) found.push(`drill record ${recordName} does not exist yet`);
    else if (current && !ownValues.some((v) => sameRecordValue(req.recordType, v, current.value))) {
      problems.push(
        `drill record ${recordName} already exists with ${current.value}, which is not the drill's; choose another drillRecordName`,
      );
    } else if (current) found.push(`drill record ${recordName} is left from an earlier drill; it will be reset`);
  } else if (current === null) {
    problems.push(`record ${recordName} ${req.recordType} does not exist in ${req.hostedZoneId}`);
  } else if (current) {
    reading.recordBefore = current;
    found.push(describeRecord(current));
    reading.alreadyOnTarget = sameRecordValue(req.recordType, current.value, req.to.value);
    if (!reading.alreadyOnTarget && !sameRecordValue(req.recordType, current.value, req.from.value)) {
      problems.push(
        `${recordName} points to ${current.value}, which is neither from.value (${req.from.value}) nor to.value; it is not switched`,
      );
    }
  }

  const replica = req.promoteReplica;
  const db = settled('the replica', facts.replica);
  if (replica && db) {
    const name = `replica ${replica.dbInstanceIdentifier} in ${replica.region}`;
    if (!db.exists) problems.push(`${name} does not exist`);
    else if (UNPROMOTABLE.includes(db.status ?? '')) problems.push(`${name} is ${db.status}; it cannot be promoted`);
    else if (db.replicaSource) found.push(`${name} is a read replica of ${db.replicaSource} (${db.status})`);
    else if (drill) problems.push(`${name} is not a read replica: the standby is not replicating`);
    else found.push(`${name} is already a standalone instance (${db.status}); the promotion step will find it done`);
  }
  return reading;
}
