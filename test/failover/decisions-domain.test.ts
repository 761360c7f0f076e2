/**
 * A failover's decisions without a server: which `approve` / `abort` Updates the validators accept
 * in each state, the re-read before a late decision, the words of a notification, the `notify`
 * field, and the report of a cancelled run.
 */
import { changesMade, interruptedDetail } from '../../src/domain/failover/cancel-report';
import type { DecisionState } from '../../src/domain/failover/decision-types';
import { noticeOf, rejectDecision, topicRegion } from '../../src/domain/failover/decisions';
import { recheckFindings } from '../../src/domain/failover/recheck';
import type { FailoverReport } from '../../src/domain/failover/types';
import { validateFailoverRequest } from '../../src/domain/failover/validate';
import { ok, record, REQUEST } from '../support/preflight-facts';

const TOPIC = 'arn:aws:sns:us-west-2:111122223333:abc-dr-events';
const state = (over: Partial<DecisionState>): DecisionState => ({ phase: 'before-gate', approval: 'signal', ...over });

describe('decision validators (rejectDecision)', () => {
  test('GIVEN preflight not finished THEN approve is rejected and abort accepted', () => {
    expect(rejectDecision('approve', state({}))).toMatch(/not waiting for a decision yet: preflight has not finished/);
    expect(rejectDecision('abort', state({}))).toBeUndefined();
  });

  test('GIVEN the run waits for a decision THEN approve and abort are both accepted', () => {
    expect(rejectDecision('approve', state({ phase: 'waiting' }))).toBeUndefined();
    expect(rejectDecision('abort', state({ phase: 'waiting' }))).toBeUndefined();
  });

  test('GIVEN an approval THEN a late abort is rejected, saying who approved and how to stop it', () => {
    const approved = state({ phase: 'decided', decision: { kind: 'approve', by: 'alice' } });
    expect(rejectDecision('abort', approved)).toBe(
      'the failover was already approved by alice and is under way; cancel the workflow to stop it (its report says what changed)',
    );
    expect(rejectDecision('approve', approved)).toBe('the failover was already approved by alice');
  });

  test('GIVEN an abort before the gate THEN a second decision of either kind is rejected', () => {
    const aborted = state({ decision: { kind: 'abort', by: 'bob' } });
    expect(rejectDecision('abort', aborted)).toBe('the run was already aborted by bob; nothing was changed');
    expect(rejectDecision('approve', aborted)).toMatch(/already aborted by bob/);
  });

  test('GIVEN approval auto THEN approve is never taken, and abort only before the gate', () => {
    expect(rejectDecision('approve', state({ approval: 'auto' }))).toMatch(
      /does not wait for a decision \(approval: auto\)/,
    );
    expect(rejectDecision('abort', state({ approval: 'auto' }))).toBeUndefined();
    expect(rejectDecision('abort', state({ approval: 'auto', phase: 'decided', decision: { kind: 'auto' } }))).toMatch(
      /approved automatically \(approval: auto\) and is under way/,
    );
  });

  test('GIVEN a timed-out gate or an ended run THEN every decision is rejected', () => {
    expect(rejectDecision('approve', state({ phase: 'decided', decision: { kind: 'timeout' } }))).toMatch(
      /no decision came within approvalTimeout/,
    );
    expect(rejectDecision('abort', state({ phase: 'ended' }))).toMatch(/already ended/);
  });
});

describe('recheckFindings (a decision more than 5 minutes after preflight)', () => {
  const before = record('app.abc.example.', REQUEST.from.value);
  const replicating = { status: 'replicating', lagSeconds: 4, source: 'abc-db' };

  test('GIVEN the record and the replica as preflight saw them THEN nothing stops the run', () => {
    const found = recheckFindings(REQUEST, {
      recordBefore: before,
      record: ok({ record: before }),
      replication: ok(replicating),
      replicaSource: 'abc-db',
    });
    expect(found.problems).toEqual([]);
    expect(found.notes.join('; ')).toMatch(/still holds primary-alb.*replication replicating, ReplicaLag 4 s/);
  });

  test('GIVEN the record changed since preflight THEN the run stops, naming both values', () => {
    const found = recheckFindings(REQUEST, {
      recordBefore: before,
      record: ok({ record: record('app.abc.example.', 'other.example.com') }),
    });
    expect(found.problems).toEqual([
      'app.abc.example. changed since preflight: it was primary-alb.us-east-1.elb.amazonaws.com (TTL 60), it is now other.example.com (TTL 60)',
    ]);
  });

  test('GIVEN the replica promoted by someone else, or lagging past maxRpoSeconds THEN the run stops', () => {
    const promoted = recheckFindings(REQUEST, {
      recordBefore: before,
      record: ok({ record: before }),
      replication: ok({ status: 'not-a-replica', lagSeconds: null }),
      replicaSource: 'abc-db',
    });
    expect(promoted.problems).toEqual([
      'abc-db-replica was a replica of abc-db at preflight and is no longer one (promoted since?)',
    ]);
    const lagging = recheckFindings(
      { ...REQUEST, promoteReplica: { ...REQUEST.promoteReplica!, maxRpoSeconds: 2 } },
      { recordBefore: before, record: ok({ record: before }), replication: ok(replicating), replicaSource: 'abc-db' },
    );
    expect(lagging.problems).toEqual(['abc-db-replica: ReplicaLag 4 s, above maxRpoSeconds 2 (or unknown)']);
  });

  test('GIVEN the record cannot be read again THEN it is noted, and the switch guard is left to act', () => {
    const found = recheckFindings(REQUEST, { recordBefore: before, record: { ok: false, error: 'Unreachable: x' } });
    expect(found.problems).toEqual([]);
    expect(found.notes[0]).toMatch(/could not be read again \(Unreachable: x\)/);
  });
});

describe('notify', () => {
  const report: FailoverReport = {
    outcome: 'completed',
    rtoSeconds: 12.5,
    decisionWaitSeconds: 3,
    steps: [
      { name: 'preflight', startedAt: '', finishedAt: '', outcome: 'ok', detail: 'peering is active; zone found' },
      { name: 'switch-record', startedAt: '', finishedAt: '', outcome: 'ok', detail: 'switched' },
    ],
    recordBefore: null,
    recordAfter: null,
    recordName: 'app.abc.example.',
    drill: false,
    promotion: 'promoted',
  };

  test('GIVEN a topic ARN THEN its region is where SNS is called; bad ARNs are refused as input', () => {
    expect(topicRegion(TOPIC)).toBe('us-west-2');
    expect(topicRegion('arn:aws:sqs:us-west-2:111122223333:q')).toBeUndefined();
    const bad = validateFailoverRequest({ ...REQUEST, notify: { snsTopicArn: 'abc-dr-events' } });
    expect(bad).toEqual({
      ok: false,
      error: { field: 'notify.snsTopicArn', reason: expect.stringMatching(/SNS topic ARN/) },
    });
    expect(validateFailoverRequest({ ...REQUEST, notify: { snsTopicArn: TOPIC } }).ok).toBe(true);
  });

  test('GIVEN no notify THEN there is nothing to publish', () => {
    expect(noticeOf(REQUEST, report, 'ended', 'wf-1')).toBeUndefined();
  });

  test('GIVEN the end of a run THEN the notice has the outcome, the RTO, the RPO when measured, and the findings', () => {
    const withRpo = { ...report, rpo: { seconds: 7, basis: 'replica-lag' } } as FailoverReport;
    const notice = noticeOf({ ...REQUEST, notify: { snsTopicArn: TOPIC } }, withRpo, 'ended', 'wf-1')!;
    expect(notice.topicArn).toBe(TOPIC);
    expect(notice.subject).toBe('COMPLETED: Failover of app.abc.example. us-east-1 -> eu-west-1');
    expect(notice.message).toMatch(/RTO: 12.5 s\nRPO: 7 s \(replica-lag\)\nFindings: peering is active; zone found/);
    expect(notice.message).toMatch(/- switch-record: ok: switched/);
  });

  test('GIVEN a wait for a decision THEN the notice says how to approve or abort, and has no RPO unless measured', () => {
    const notice = noticeOf({ ...REQUEST, notify: { snsTopicArn: TOPIC } }, report, 'waiting', 'wf-1')!;
    expect(notice.subject).toMatch(/^DECISION NEEDED: /);
    expect(notice.message).toMatch(/failover approve wf-1/);
    expect(notice.message).not.toMatch(/RPO/);
  });
});

describe('the report of a cancelled run', () => {
  const replica = { exists: true, region: 'eu-west-1', dbInstanceIdentifier: 'abc-db-replica' };

  test('GIVEN a promotion RDS accepted THEN the step says it keeps going', () => {
    expect(
      interruptedDetail('promote-replica', { replica: { ...replica, status: 'modifying', replicaSource: 'abc-db' } }),
    ).toMatch(/RDS accepted the promotion of abc-db-replica \(modifying\); it keeps going and is not undone/);
    expect(interruptedDetail('promote-replica', { replica: { ...replica, status: 'available' } })).toMatch(
      /is promoted .* and stays so/,
    );
    expect(
      interruptedDetail('promote-replica', { replica: { ...replica, status: 'available', replicaSource: 'abc-db' } }),
    ).toMatch(/before RDS promoted abc-db-replica: it is still a read replica of abc-db/);
  });

  test('GIVEN steps done before the cancellation THEN only those that changed AWS are listed', () => {
    const step = (name: 'scale:eu-west-1:web' | 'preflight', detail: string) =>
      ({ name, startedAt: '', finishedAt: '', outcome: 'ok', detail }) as const;
    const changed = changesMade({
      steps: [step('preflight', 'all found'), step('scale:eu-west-1:web', 'desired 0 → 2')],
    } as FailoverReport);
    expect(changed).toEqual(['scale:eu-west-1:web: desired 0 → 2']);
  });
});
