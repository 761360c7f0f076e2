/**
 * The chaos data audit on snapshots made by hand: a clean lifecycle passes, and each thing it must
 * catch (a second replica, a lost report, a deleted source, a double switch, a promotion no report
 * shows) is reported, so that a chaos run that met one cannot pass.
 */
import type { FailoverReport } from '../../src/domain/failover/types';
import { auditData, type DataSnapshot, type SeenInstance } from '../../harness/chaos/audit-data';
import type { DataRunRecord, DataStep } from '../../harness/chaos/data-run';
import type { LedgerEntry } from '../../harness/chaos/ledger';
import { emptyRetries, type WorkflowOutcome } from '../../harness/chaos/report';

const A = 'us-east-1';
const B = 'eu-west-1';
const SOURCE = 'chaos-d0-ab12-db';
const REPLICA = `${SOURCE}-replica`;
const RETIRED = `${SOURCE}-retired-202612071230`;
const ZONE = 'Z0CHAOS';
const RECORD = 'app.chaos-d0-ab12.example.';
const PRIMARY = 'primary-alb.us-east-1.elb.amazonaws.com';
const DR = 'dr-alb.eu-west-1.elb.amazonaws.com';

const snap = (value: string) => ({ name: RECORD, type: 'CNAME', value, values: [value] });
const failoverReport = (from: string, to: string, promotion: FailoverReport['promotion'] = 'promoted') =>
  ({
    outcome: 'completed',
    rtoSeconds: 12,
    decisionWaitSeconds: 0,
    steps: [{ name: 'switch-record', startedAt: '', finishedAt: '', outcome: 'ok', detail: `${from} → ${to}` }],
    recordBefore: snap(from),
    recordAfter: snap(to),
    recordName: RECORD,
    drill: false,
    promotion,
  }) satisfies FailoverReport;
const protection = (id: string) => ({ replica: { dbInstanceIdentifier: id } });
const done = (step: DataStep, result: unknown): WorkflowOutcome => ({
  workflowId: `chaos-x-data-00-${step}`,
  status: 'COMPLETED',
  seconds: 30,
  result,
});

function run(): DataRunRecord {
  return {
    index: 0,
    runId: 'chaos-x-data-00',
    world: {
      index: 0,
      primaryRegion: A,
      drRegion: B,
      sourceId: SOURCE,
      replicaId: REPLICA,
      dr: { vpcId: 'vpc-1', subnetIds: ['subnet-1', 'subnet-2'] },
      peeringConnectionId: 'pcx-1',
      hostedZoneId: ZONE,
      recordName: RECORD,
      primaryValue: PRIMARY,
      drValue: DR,
    },
    steps: {
      protect: done('protect', protection(REPLICA)),
      failover: done('failover', failoverReport(PRIMARY, DR)),
      reprotect: done('reprotect', protection(SOURCE)),
      failback: done('failback', failoverReport(DR, PRIMARY)),
    },
    retries: emptyRetries(),
  };
}

const rds = (region: string, action: string, id: string, newId?: string): LedgerEntry => ({
  kind: 'rds',
  at: 0,
  region,
  action,
  dbInstanceIdentifier: id,
  ...(newId ? { newDbInstanceIdentifier: newId } : {}),
});
const batch = (...changes: Array<[string, string]>): LedgerEntry => ({
  kind: 'route53',
  at: 0,
  hostedZoneId: ZONE,
  changes: changes.map(([action, value]) => ({ action, name: RECORD, type: 'CNAME', values: [value] })),
});

/** What a clean lifecycle leaves, with lost answers (the retries AWS refused never reach the ledger). */
function cleanSnapshot(): DataSnapshot {
  const instances: SeenInstance[] = [
    { region: B, id: REPLICA, status: 'available' },
    { region: A, id: RETIRED, status: 'available' },
    { region: A, id: SOURCE, status: 'available' },
  ];
  return {
    instances,
    records: { [ZONE]: [PRIMARY] },
    ledger: [
      rds(B, 'CreateDBInstanceReadReplica', REPLICA),
      rds(B, 'PromoteReadReplica', REPLICA),
      batch(['UPSERT', DR]),
      // The UPSERT's answer was lost; its retry writes the same value: no second switch.
      batch(['UPSERT', DR]),
      rds(A, 'ModifyDBInstance', SOURCE, RETIRED),
      rds(A, 'CreateDBInstanceReadReplica', SOURCE),
      rds(A, 'PromoteReadReplica', SOURCE),
      batch(['DELETE', DR], ['CREATE', PRIMARY]),
    ],
  };
}

const kinds = (findings: ReturnType<typeof auditData>) => findings.map((f) => f.kind).sort();

describe('the chaos data audit', () => {
  test('GIVEN a clean protect, failover, re-protect and failback with retried writes WHEN audited THEN it finds nothing', () => {
    expect(auditData([run()], cleanSnapshot())).toEqual([]);
  });

  test('GIVEN two replicas (a leftover drill replica, and a replica created twice) WHEN audited THEN both are second replicas', () => {
    const s = cleanSnapshot();
    s.instances.push({ region: B, id: `${REPLICA}-drill-202612071230`, status: 'available', replicaOf: 'arn' });
    s.ledger.splice(1, 0, rds(B, 'CreateDBInstanceReadReplica', REPLICA));

    const findings = auditData([run()], s);

    expect(kinds(findings)).toEqual(['second-replica', 'second-replica']);
    expect(findings.map((f) => f.ids)).toEqual(
      expect.arrayContaining([[`${REPLICA}-drill-202612071230 (${B})`], [REPLICA]]),
    );
  });

  test('GIVEN the retired source deleted WHEN audited THEN a deleted database, from the ledger and from RDS', () => {
    const s = cleanSnapshot();
    s.instances = s.instances.filter((i) => i.id !== RETIRED);
    s.ledger.push(rds(A, 'DeleteDBInstance', RETIRED));

    const findings = auditData([run()], s);

    expect(kinds(findings)).toEqual(['deleted-database', 'deleted-database']);
    expect(findings.every((f) => f.ids[0] === RETIRED)).toBe(true);
  });

  test('GIVEN a third write that moved the record back to DR after the failback WHEN audited THEN double switches: the count and the final value', () => {
    const s = cleanSnapshot();
    s.ledger.push(batch(['UPSERT', DR]));
    s.records[ZONE] = [DR];

    expect(kinds(auditData([run()], s))).toEqual(['double-switch', 'double-switch']);
  });

  test('GIVEN the record written twice on the way back (the value flips and returns) WHEN audited THEN a double switch even though the final value is right', () => {
    const s = cleanSnapshot();
    s.ledger.push(batch(['UPSERT', DR]), batch(['UPSERT', PRIMARY]));

    expect(kinds(auditData([run()], s))).toEqual(['double-switch']);
  });

  test('GIVEN a failback that lost a race (RecordChanged, nothing written) but read the record moved WHEN the ledger shows its write THEN a double switch', () => {
    const r = run();
    r.steps.failback = done('failback', {
      ...failoverReport(DR, PRIMARY),
      outcome: 'failed',
      reason: 'RecordChanged',
      steps: [{ name: 'switch-record', startedAt: '', finishedAt: '', outcome: 'failed', detail: 'RecordChanged' }],
    });
    const s = cleanSnapshot();

    expect(kinds(auditData([r], s))).toEqual(['double-switch']);
    // AND without its write, a run that lost the race is fine as far as the record goes
    s.ledger = s.ledger.filter((e) => e.kind !== 'route53' || e.changes.every((c) => c.action !== 'CREATE'));
    s.records[ZONE] = [DR];
    r.steps.failback = done('failback', { ...(r.steps.failback.result as object), recordAfter: snap(DR) });
    expect(kinds(auditData([r], s)).filter((k) => k === 'double-switch')).toEqual([]);
  });

  test('GIVEN a failback whose workflow was lost and one that completed without a report WHEN audited THEN lost reports', () => {
    const r = run();
    r.steps.failback = { workflowId: 'chaos-x-data-00-failback', status: 'LOST', seconds: 1 };
    r.steps.reprotect = done('reprotect', null);
    const s = cleanSnapshot();

    const findings = auditData([r], s);

    expect(findings.filter((f) => f.kind === 'lost-report').map((f) => f.ids[0])).toEqual([
      'chaos-x-data-00-reprotect',
      'chaos-x-data-00-failback',
    ]);
    // AND without the failback's report, its promotion and switch are not accounted for either
    expect(kinds(findings)).toEqual(
      expect.arrayContaining(['unreported-promotion', 'double-switch', 'lost-report', 'lost-report']),
    );
  });

  test('GIVEN a failover whose report says the replica was already promoted WHEN moto accepted the promotion THEN an unreported promotion', () => {
    const r = run();
    r.steps.failover = done('failover', failoverReport(PRIMARY, DR, 'already-promoted'));

    const findings = auditData([r], cleanSnapshot());

    expect(findings).toEqual([expect.objectContaining({ kind: 'unreported-promotion', ids: [REPLICA] })]);
  });

  test('GIVEN a standalone writer no write of the ledger promoted and no report shows WHEN audited THEN an unreported promotion', () => {
    const s = cleanSnapshot();
    s.ledger = s.ledger.filter((e) => !(e.kind === 'rds' && e.action === 'PromoteReadReplica' && e.region === A));
    const r = run();
    r.steps.failback = done('failback', failoverReport(DR, PRIMARY, 'not-requested'));

    expect(auditData([r], s)).toEqual([expect.objectContaining({ kind: 'unreported-promotion', ids: [SOURCE] })]);
  });
});
