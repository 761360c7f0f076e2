/**
 * The audit of the chaos data runs, a pure function of what was read back (audit-data-snapshot.ts):
 * the instances as the AWS-faithful layer shows them (moto leaves a promoted replica naming its
 * source), each run's record as moto holds it, and the ledger of the data writes moto accepted,
 * including those whose answer was lost or whose worker was killed. It finds
 * - a second replica: an instance under a run's names other than its replica, its source (or the
 *   source renamed `-retired-`, once) and the re-protected replica; or a replica created twice;
 * - a lost report: a workflow that did not complete with its report;
 * - a deleted database: the source (or what it was renamed to) or a promoted instance gone, or a
 *   DeleteDBInstance of one of them accepted;
 * - a double switch: more writes that changed the record than reports that say they switched, or
 *   a final value other than the one the last report says;
 * - an unreported promotion: a promotion moto accepted, or a standalone instance, that no report
 *   with `promotion: "promoted"` accounts for (the source excepted).
 */
import type { FailoverReport } from '../../src/domain/failover/types';
import type { Finding, FindingKind } from './audit';
import { DATA_STEPS, type DataRunRecord, type DataStep } from './data-run';
import type { LedgerEntry } from './ledger';

export interface SeenInstance {
  region: string;
  id: string;
  status: string;
  /** ReadReplicaSourceDBInstanceIdentifier as the layer shows it: absent once promoted. */
  replicaOf?: string;
}

export interface DataSnapshot {
  instances: SeenInstance[];
  /** Each run's record's values now, by hosted zone id (several: a duplicate record set). */
  records: Record<string, string[]>;
  ledger: LedgerEntry[];
}

type Held = 'source' | 'replica' | 'promoted';
const key = (region: string, id: string) => `${region}|${id}`;

/** What each name of a run holds after the writes moto accepted, in order, and what went wrong on the way. */
function replay(
  run: DataRunRecord,
  ledger: LedgerEntry[],
  add: (kind: FindingKind, what: string, ids: string[]) => void,
) {
  const w = run.world;
  const held = new Map<string, Held>([[key(w.primaryRegion, w.sourceId), 'source']]);
  const promotions: string[] = [];
  const creates = new Map<string, number>();
  for (const e of ledger) {
    if (e.kind !== 'rds' || !ofRun(run, e.dbInstanceIdentifier)) continue;
    const k = key(e.region, e.dbInstanceIdentifier);
    if (e.action === 'CreateDBInstanceReadReplica') {
      creates.set(k, (creates.get(k) ?? 0) + 1);
      if ((creates.get(k) ?? 0) > 1)
        add('second-replica', `a read replica created twice as ${e.dbInstanceIdentifier} in ${e.region}`, [
          e.dbInstanceIdentifier,
        ]);
      held.set(k, 'replica');
    } else if (e.action === 'PromoteReadReplica') {
      promotions.push(k);
      held.set(k, 'promoted');
    } else if (e.action === 'ModifyDBInstance' && e.newDbInstanceIdentifier) {
      const was = held.get(k);
      held.delete(k);
      if (was) held.set(key(e.region, e.newDbInstanceIdentifier), was);
    } else if (e.action === 'DeleteDBInstance') {
      const was = held.get(k);
      if (was === 'source' || was === 'promoted')
        add(
          'deleted-database',
          `DeleteDBInstance of the ${was === 'source' ? 'source' : 'promoted primary'} ${e.dbInstanceIdentifier} in ${e.region}`,
          [e.dbInstanceIdentifier],
        );
      // A deleted source or primary stays expected: the audit of RDS below says it is gone too.
      if (was === 'replica') held.delete(k);
    }
  }
  return { held, promotions };
}

const ofRun = (run: DataRunRecord, id: string) => id === run.world.sourceId || id.startsWith(`${run.world.sourceId}-`);

function reportOf(run: DataRunRecord, step: DataStep): unknown {
  const o = run.steps[step];
  return o?.status === 'COMPLETED' ? o.result : undefined;
}

function hasReport(step: DataStep, result: unknown): boolean {
  const r = result as Partial<FailoverReport> & { replica?: { dbInstanceIdentifier?: string } };
  if (!r || typeof r !== 'object') return false;
  if (step === 'failover' || step === 'failback') return typeof r.outcome === 'string' && Array.isArray(r.steps);
  return typeof r.replica?.dbInstanceIdentifier === 'string';
}

/**
 * The report says this run moved the record: it completed, a switch step went through, and the
 * record it read after differs from the one before. A run that lost a race (RecordChanged) says no.
 */
function switched(report: FailoverReport | undefined): boolean {
  if (report?.outcome !== 'completed' || !report.recordBefore || !report.recordAfter) return false;
  const step = report.steps.some((s) => s.name.startsWith('switch') && s.outcome === 'ok');
  return step && report.recordBefore.value !== report.recordAfter.value;
}

/** The record's value after each batch moto accepted for it; a batch that changes it is one switch. */
export function switchesOf(run: DataRunRecord, ledger: LedgerEntry[]): number {
  const w = run.world;
  const name = w.recordName.toLowerCase();
  let value: string | undefined = w.primaryValue;
  let switches = 0;
  for (const e of ledger) {
    if (e.kind !== 'route53' || e.hostedZoneId !== w.hostedZoneId) continue;
    const before: string | undefined = value;
    for (const c of e.changes) {
      if (c.name !== name || c.type !== 'CNAME') continue;
      value = c.action === 'DELETE' ? undefined : c.values.join(', ');
    }
    if (value !== before) switches++;
  }
  return switches;
}

export function auditData(runs: DataRunRecord[], snap: DataSnapshot): Finding[] {
  const findings: Finding[] = [];
  for (const run of runs) {
    const w = run.world;
    const add = (kind: FindingKind, what: string, ids: string[]) => findings.push({ run: run.runId, kind, what, ids });

    // Lost reports: every step started must have completed with its report.
    for (const step of DATA_STEPS) {
      const o = run.steps[step];
      if (!o) continue;
      if (o.status !== 'COMPLETED') add('lost-report', `${step} closed ${o.status} without a report`, [o.workflowId]);
      else if (!hasReport(step, o.result)) add('lost-report', `${step} completed without its report`, [o.workflowId]);
    }

    const { held, promotions } = replay(run, snap.ledger, add);
    const mine = snap.instances.filter((i) => ofRun(run, i.id) && i.status !== 'deleting');
    const at = (region: string, id: string) => mine.find((i) => i.region === region && i.id === id);

    // Second replicas: only the names the lifecycle uses, each once.
    const retired = new RegExp(`^${w.sourceId}-retired-\\d{12}$`);
    const allowed = (i: SeenInstance) =>
      (i.region === w.drRegion && i.id === w.replicaId) ||
      (i.region === w.primaryRegion && (i.id === w.sourceId || retired.test(i.id)));
    const extra = mine.filter((i) => !allowed(i));
    if (extra.length)
      add(
        'second-replica',
        'instances under the run’s names that its lifecycle does not make',
        extra.map((i) => `${i.id} (${i.region})`),
      );
    const retiredSeen = mine.filter((i) => i.region === w.primaryRegion && retired.test(i.id));
    if (retiredSeen.length > 1)
      add(
        'second-replica',
        'the old primary retired more than once',
        retiredSeen.map((i) => i.id),
      );

    // Deleted databases: the source, under its name or the one it was renamed to, and every promoted primary.
    for (const [k, what] of held) {
      if (what === 'replica') continue;
      const [region = '', id = ''] = k.split('|');
      if (!at(region, id))
        add(
          'deleted-database',
          `the ${what === 'source' ? 'source' : 'promoted primary'} ${id} is gone from ${region}`,
          [id],
        );
    }
    if (run.steps.protect?.status === 'COMPLETED' && !at(w.drRegion, w.replicaId))
      add('deleted-database', `the DR database ${w.replicaId} is gone from ${w.drRegion}`, [w.replicaId]);

    // Double switches: each write that changed the record needs a report that says it switched.
    const failovers = (['failover', 'failback'] as const).map((s) => reportOf(run, s) as FailoverReport | undefined);
    const reported = failovers.filter(switched).length;
    const switches = switchesOf(run, snap.ledger);
    if (switches > reported)
      add('double-switch', `${switches} writes changed ${w.recordName}, ${reported} report(s) say they switched`, [
        w.hostedZoneId,
      ]);
    else if (switches < reported)
      add('wrong-state', `${reported} report(s) say they switched ${w.recordName}, moto applied ${switches}`, [
        w.hostedZoneId,
      ]);
    const last = [...failovers].reverse().find((r) => r?.recordAfter);
    const expected = last?.recordAfter?.value ?? w.primaryValue;
    const now = snap.records[w.hostedZoneId] ?? [];
    if (now.length !== 1 || now[0] !== expected)
      add('double-switch', `${w.recordName} holds [${now.join(', ')}], the last report says ${expected}`, [
        w.hostedZoneId,
      ]);

    // Promotions: each one moto accepted, and each standalone instance, accounted for by a report.
    const promotedBy = new Map<string, number>();
    for (const step of ['failover', 'failback'] as const) {
      const r = reportOf(run, step) as FailoverReport | undefined;
      if (r?.promotion !== 'promoted') continue;
      const k = step === 'failover' ? key(w.drRegion, w.replicaId) : key(w.primaryRegion, w.sourceId);
      promotedBy.set(k, (promotedBy.get(k) ?? 0) + 1);
    }
    const accepted = new Map<string, number>();
    for (const k of promotions) accepted.set(k, (accepted.get(k) ?? 0) + 1);
    for (const [k, n] of accepted)
      if (n > (promotedBy.get(k) ?? 0))
        add(
          'unreported-promotion',
          `${n} promotion(s) of ${k.replace('|', ' in ')} accepted, ${promotedBy.get(k) ?? 0} reported`,
          [k.split('|')[1]!],
        );
    for (const i of mine) {
      if (i.replicaOf) continue;
      const k = key(i.region, i.id);
      if (held.get(k) === 'source') continue;
      if (!promotedBy.has(k) && !accepted.has(k))
        add(
          'unreported-promotion',
          `${i.id} in ${i.region} is a standalone writer that neither is the source nor was promoted by a report`,
          [i.id],
        );
    }
  }
  return findings;
}
