/**
 * Reading the failover preflight: what the read-only checks found, what stops the run, and whether
 * traffic is already on the target. Pure, so every wording and rule is tested without a server.
 */
import { boundsFor, describeBounds, describeCapacity, desiredOf, scaleTarget, scaleWhen, unitOf } from './capacity';
import { isInZone, normalizeRecordName, sameRecordValue } from './dns-names';
import {
  describeUnreachable,
  endpointUnreachable,
  type HostedZoneInfo,
  type PeeringPathCheck,
  type RecordRead,
  type ReplicaState,
  type RoutingControlRead,
} from './reads';
import type { FailoverRequest, RecordSnapshot, RoutingControlPair } from './types';
import { targetRecordName } from './validate';
import type { ReplicationState } from '../database/types';
import { readDataSide, readPlannedReach, UNPROMOTABLE, type DataReading } from './data-preflight';
import { type CapacityState, type Unreachable } from './types';

/**
 * An activity's answer, or why it could not give one (already explained, `Type: message`);
 * `unreachable` when a bounded check got no answer at all.
 */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: string; unreachable?: Unreachable };

export interface PreflightFacts {
  peering: Settled<PeeringPathCheck>;
  zone: Settled<HostedZoneInfo | null>;
  /** The record the run acts on: the drill record in a drill. */
  record: Settled<RecordRead>;
  /** Drills only: the production record, read and never written. */
  production?: Settled<RecordRead>;
  /** Only with `promoteReplica`. */
  replica?: Settled<ReplicaState>;
  /** One per scale action, in request order. */
  capacity?: Array<Settled<CapacityState>>;
  /** Only with `dnsSwitch.mode: "routing-control"`. */
  routingControls?: Settled<RoutingControlRead>;
  /** The replica's replication and newest lag (data side, see data-preflight.ts). */
  replication?: Settled<ReplicationState>;
}

export interface PreflightReading extends DataReading {
  found: string[];
  problems: string[];
  /** The record already points to `to.value`: nothing to do. */
  alreadyOnTarget: boolean;
  /** Outside a drill, the production record as it was; in a drill, null (the drill record is made later). */
  recordBefore: RecordSnapshot | null;
  /** Drills only. */
  productionRecord?: RecordSnapshot | null;
  /** Checks that got no answer; none of them stops a failover that does not need them. */
  unreachable: Unreachable[];
  /** Per scale action: as preflight read it, or null when it could not be read. */
  capacity: Array<CapacityState | null>;
  /** The instance the replica still replicated from, when preflight read it. */
  replicaSource?: string;
  /** With routing controls: their states, and the endpoint that answered. */
  routingControls?: { pair: RoutingControlPair; endpoint: string };
}

export { UNPROMOTABLE };

export function describeRecord(r: RecordSnapshot): string {
  return `${r.name} ${r.type} → ${r.value}${r.ttl === undefined ? '' : ` (TTL ${r.ttl})`}`;
}

export function readPreflight(req: FailoverRequest, facts: PreflightFacts): PreflightReading {
  const drill = req.drill === true;
  const recordName = normalizeRecordName(targetRecordName(req));
  const productionName = normalizeRecordName(req.recordName);
  const routingControls = req.dnsSwitch?.mode === 'routing-control';
  const problems: string[] = [];
  const found: string[] = [];
  const unreachable: Unreachable[] = [];
  const reading: PreflightReading = {
    found,
    problems,
    alreadyOnTarget: false,
    recordBefore: null,
    unreachable,
    capacity: [],
  };
  // A bounded check that got no answer is not a failed check: each caller says what it means.
  const settled = <T>(what: string, r: Settled<T> | undefined): T | undefined => {
    if (!r) return undefined;
    if (r.ok) return r.value;
    if (!r.unreachable) problems.push(`${what} could not be checked: ${r.error}`);
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
  unreachable.push(...(path?.unreachable ?? []));

  readRoute53(req, facts, reading, routingControls && !drill);
  const zone = settled('the hosted zone', facts.zone);
  if (zone === null) problems.push(`hosted zone ${req.hostedZoneId} does not exist`);
  else if (zone) {
    found.push(`zone ${zone.name} (${zone.id})`);
    if (!isInZone(recordName, zone.name)) problems.push(`${recordName} is not in zone ${zone.name}`);
  }

  const read = settled(drill ? 'the drill record' : 'the record', facts.record);
  const ownValues = [req.from.value, req.to.value];
  if (drill) {
    const current = usable(recordName, read);
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
  } else if (routingControls) {
    if (read) {
      const what = read.unsupported ?? (read.record ? `→ ${read.record.value}` : 'does not exist');
      found.push(`record ${recordName} ${req.recordType} ${what}; the routing controls move traffic, not an UPSERT`);
    }
  } else {
    const current = usable(recordName, read);
    if (current === null) {
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
  }
  if (routingControls) readRoutingControls(req, settled('the routing controls', facts.routingControls), reading);

  const replica = req.promoteReplica;
  const db = settled('the replica', facts.replica);
  if (facts.replication) readDataSide(req, db, { replication: facts.replication }, reading);
  else if (replica && db) {
    const name = `replica ${replica.dbInstanceIdentifier} in ${replica.region}`;
    if (!db.exists) problems.push(`${name} does not exist`);
    else if (UNPROMOTABLE.includes(db.status ?? '')) problems.push(`${name} is ${db.status}; it cannot be promoted`);
    else if (db.replicaSource) {
      found.push(`${name} is a read replica of ${db.replicaSource} (${db.status})`);
      reading.replicaSource = db.replicaSource;
    } else if (drill) problems.push(`${name} is not a read replica: the standby is not replicating`);
    else found.push(`${name} is already a standalone instance (${db.status}); the promotion step will find it done`);
  }
  readCapacity(req, facts.capacity ?? [], reading);
  readPlannedReach(req, reading);
  return reading;
}

/** Route 53's API lives in us-east-1: when it does not answer, say once what that means for this run. */
function readRoute53(req: FailoverRequest, facts: PreflightFacts, reading: PreflightReading, needless: boolean) {
  const down = [facts.zone, facts.record, facts.production].find((s) => s && !s.ok && s.unreachable);
  if (!down || down.ok || !down.unreachable) return;
  reading.unreachable.push(down.unreachable);
  const why = describeUnreachable(down.unreachable);
  if (needless) {
    reading.found.push(`${why}; not needed: the routing controls switch through the ARC data plane`);
  } else if (req.drill) {
    reading.problems.push(`${why}; a drill writes its own record through the Route 53 API, so it cannot run now`);
  } else {
    reading.problems.push(
      `${why}; the upsert switch needs the Route 53 API, whose control plane is in us-east-1. With it down, switch through the data plane: dnsSwitch mode "routing-control"`,
    );
  }
}

function readRoutingControls(req: FailoverRequest, read: RoutingControlRead | undefined, reading: PreflightReading) {
  if (!read || req.dnsSwitch?.mode !== 'routing-control') return;
  const { from, to } = req.dnsSwitch.routingControls;
  reading.unreachable.push(...read.skipped.map(endpointUnreachable));
  const skipped = read.skipped.map((m) => `${m.endpoint} (${m.region}): ${m.error}`).join('; ');
  if (!read.answered) {
    reading.problems.push(
      `no endpoint of the ARC cluster answered, so the routing controls cannot be switched: ${skipped}`,
    );
    return;
  }
  const stateOf = (arn: string) => read.states.find((s) => s.arn === arn);
  const [f, t] = [stateOf(from), stateOf(to)];
  if (!f || !t) {
    reading.problems.push(`the cluster endpoint ${read.endpoint} did not return both routing controls`);
    return;
  }
  const label = (s: typeof f) => s.name ?? s.arn;
  reading.found.push(
    `routing controls from ${read.endpoint} (${read.region}): from ${label(f)} ${f.state}, to ${label(t)} ${t.state}` +
      (read.skipped.length ? `; skipped first: ${skipped}` : ''),
  );
  reading.routingControls = { pair: { from: f.state, to: t.state }, endpoint: read.endpoint };
  if (req.drill)
    reading.found.push('drill: the routing controls are only read; the drill record is switched by UPSERT');
  else reading.alreadyOnTarget = t.state === 'On' && f.state === 'Off';
}

function readCapacity(req: FailoverRequest, results: Array<Settled<CapacityState>>, reading: PreflightReading) {
  for (const [i, action] of (req.scale ?? []).entries()) {
    const r = results[i];
    const target = scaleTarget(action);
    const state = r?.ok ? r.value : null;
    reading.capacity.push(state);
    if (!r) continue;
    if (!r.ok) {
      if (!r.unreachable || action.region !== req.from.region) {
        reading.problems.push(`${target} could not be checked: ${r.error}`);
        continue;
      }
      reading.unreachable.push(r.unreachable);
      reading.found.push(`${target} not checked: ${describeUnreachable(r.unreachable)}; its step will be skipped`);
    } else if (!r.value.exists) reading.problems.push(`${target} does not exist`);
    else if (r.value.blocked) reading.problems.push(`${target} cannot scale: ${r.value.blocked}`);
    else {
      const desired = desiredOf(action);
      const bounds = describeBounds(boundsFor(r.value, desired));
      const plan = req.drill ? 'a drill changes nothing; it would set' : `${scaleWhen(action)}, set`;
      reading.found.push(
        `${target}: ${describeCapacity(r.value, unitOf(action))}; ${plan} ${desired}${bounds ? ` (needs ${bounds})` : ''}`,
      );
    }
  }
}
