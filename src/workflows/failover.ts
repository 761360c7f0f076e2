import {
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { RecordKey, RecordRead } from '../activities/route53';
import { isInZone, normalizeRecordName, sameRecordValue } from '../domain/dns-names';
import {
  FAILOVER_PROGRESS_QUERY,
  FAILOVER_SIGNALS,
  type DecisionInput,
  type FailoverOutcome,
  type FailoverProgress,
  type FailoverReport,
  type FailoverRequest,
  type FailoverStepName,
  type RecordSnapshot,
  type StepOutcome,
} from '../domain/failover-types';
import {
  DEFAULT_APPROVAL_TIMEOUT,
  durationMs,
  targetRecordName,
  validateFailoverRequest,
} from '../domain/validate-failover';
import { explain, invalidInput } from './failures';
import { CLEANUP, DNS_SWITCH, EC2_CALL, PROMOTION } from './profiles';

type Activities = ReturnType<typeof createActivities>;
const reads = proxyActivities<Activities>(EC2_CALL);
const promotion = proxyActivities<Activities>(PROMOTION);
const dns = proxyActivities<Activities>(DNS_SWITCH);
const cleanup = proxyActivities<Activities>(CLEANUP);

export const failoverProgressQuery = defineQuery<FailoverProgress>(FAILOVER_PROGRESS_QUERY);
export const approveFailoverSignal = defineSignal<[DecisionInput?]>(FAILOVER_SIGNALS.approve);
export const abortFailoverSignal = defineSignal<[DecisionInput?]>(FAILOVER_SIGNALS.abort);

const DEFAULT_TTL = 60;
/** Replica states from which no promotion can follow without a person stepping in. */
const UNPROMOTABLE = [
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

const seconds = (from: Date, to: Date) => Math.round(to.getTime() - from.getTime()) / 1000;
const by = (d: DecisionInput) => `${d.by ? ` by ${d.by}` : ''}${d.reason ? ` (${d.reason})` : ''}`;

interface Decision extends DecisionInput {
  kind: 'approve' | 'abort';
  at: Date;
}

/**
 * The DR redirect: preflight, an optional approval gate, promotion of the standby database, the
 * Route 53 switch and a read-back. Every step is timed in the report; a failed preflight, an abort
 * or a timeout change nothing. A promotion is never undone: if the switch fails after it, the
 * report says so and running the same request again resumes with the switch.
 */
export async function FailoverToRegion(request: FailoverRequest): Promise<FailoverReport> {
  const checked = validateFailoverRequest(request);
  if (!checked.ok) throw invalidInput('InvalidFailoverRequest', checked.error);
  const req = checked.value;
  const drill = req.drill === true;
  const recordName = normalizeRecordName(targetRecordName(req));
  const key: RecordKey = { hostedZoneId: req.hostedZoneId, recordName, recordType: req.recordType };
  const productionKey: RecordKey = { ...key, recordName: normalizeRecordName(req.recordName) };
  const ownValues = [req.from.value, req.to.value];
  const replica = req.promoteReplica;
  const approvalTimeout = req.approvalTimeout ?? DEFAULT_APPROVAL_TIMEOUT;
  const route = `${req.from.region} → ${req.to.region}`;

  const progress: FailoverProgress = { step: 'preflight', completed: [], steps: [], awaitingDecision: false };
  setHandler(failoverProgressQuery, () => progress);
  let decision: Decision | undefined;
  // The first decision wins; a later one changes nothing.
  setHandler(approveFailoverSignal, (input?: DecisionInput) => {
    decision ??= { kind: 'approve', ...input, at: new Date() };
  });
  setHandler(abortFailoverSignal, (input?: DecisionInput) => {
    decision ??= { kind: 'abort', ...input, at: new Date() };
  });

  const report: FailoverReport = {
    outcome: 'failed',
    rtoSeconds: null,
    decisionWaitSeconds: 0,
    steps: progress.steps,
    recordBefore: null,
    recordAfter: null,
    recordName,
    drill,
    promotion: drill && replica ? 'skipped-in-drill' : replica ? 'not-reached' : 'not-requested',
  };
  const begin = (name: FailoverStepName, what: string): Date => {
    progress.step = name;
    setCurrentDetails(`**${drill ? 'Drill' : 'Failover'} ${route}**, ${recordName}\n\n**Step:** ${name}: ${what}`);
    return new Date();
  };
  const record = (name: FailoverStepName, startedAt: Date, outcome: StepOutcome, detail: string): void => {
    progress.steps.push({
      name,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      outcome,
      detail,
    });
    if (outcome === 'ok' || outcome === 'skipped') progress.completed.push(name);
  };
  const finish = (outcome: FailoverOutcome, reason?: string): FailoverReport => {
    report.outcome = outcome;
    if (reason) report.reason = reason;
    report.recordAfter ??= report.recordBefore;
    progress.step = 'done';
    progress.outcome = outcome;
    setCurrentDetails(`**${outcome}**${reason ? `: ${reason}` : ''}`);
    return report;
  };

  // 1. Preflight: read-only, so a failure here changes nothing.
  const preStart = begin('preflight', 'peering, zone, record, replica');
  const [peering, zone, target, production, replicaState] = await Promise.allSettled([
    reads.checkPeeringPath.executeWithOptions(
      { summary: `Check ${req.peeringConnectionId} is active with routes (${route})` },
      [{ peeringConnectionId: req.peeringConnectionId, regions: [req.from.region, req.to.region] }],
    ),
    reads.getHostedZone.executeWithOptions({ summary: `Find hosted zone ${req.hostedZoneId}` }, [
      { hostedZoneId: req.hostedZoneId },
    ]),
    reads.readRecord.executeWithOptions({ summary: `Read ${recordName} ${req.recordType}` }, [key]),
    drill
      ? reads.readRecord.executeWithOptions(
          { summary: `Read production ${productionKey.recordName} (never written in a drill)` },
          [productionKey],
        )
      : Promise.resolve(undefined),
    replica
      ? reads.describeReplica.executeWithOptions(
          { summary: `Describe replica ${replica.dbInstanceIdentifier} in ${replica.region}` },
          [replica],
        )
      : Promise.resolve(undefined),
  ]);
  const problems: string[] = [];
  const found: string[] = [];
  const settled = <T>(what: string, r: PromiseSettledResult<T>): T | undefined => {
    if (r.status === 'fulfilled') return r.value;
    if (isCancellation(r.reason)) throw r.reason;
    problems.push(`${what} could not be checked: ${explain(r.reason)}`);
    return undefined;
  };

  const path = settled('the peering', peering);
  if (path) (path.ok ? found : problems).push(path.detail);

  const zoneInfo = settled('the hosted zone', zone);
  if (zoneInfo === null) problems.push(`hosted zone ${req.hostedZoneId} does not exist`);
  else if (zoneInfo) {
    found.push(`zone ${zoneInfo.name} (${zoneInfo.id})`);
    if (!isInZone(recordName, zoneInfo.name)) problems.push(`${recordName} is not in zone ${zoneInfo.name}`);
  }

  const describeRecord = (r: RecordSnapshot) =>
    `${r.name} ${r.type} → ${r.value}${r.ttl === undefined ? '' : ` (TTL ${r.ttl})`}`;
  const unusable = (what: string, read: RecordRead | undefined): RecordSnapshot | null | undefined => {
    if (read?.unsupported) {
      problems.push(`${what} ${read.unsupported}`);
      return undefined;
    }
    return read?.record;
  };
  const current = unusable(recordName, settled(drill ? 'the drill record' : 'the record', target));
  let alreadyOnTarget = false;
  if (drill) {
    const prod = unusable(productionKey.recordName, settled('the production record', production));
    if (prod === null) problems.push(`production record ${productionKey.recordName} ${req.recordType} does not exist`);
    if (prod) found.push(`production ${describeRecord(prod)} (read only)`);
    report.productionRecord = prod ?? null;
    if (current === null) found.push(`drill record ${recordName} does not exist yet`);
    else if (current && !ownValues.some((v) => sameRecordValue(req.recordType, v, current.value))) {
      problems.push(
        `drill record ${recordName} already exists with ${current.value}, which is not the drill's; choose another drillRecordName`,
      );
    } else if (current) found.push(`drill record ${recordName} is left from an earlier drill; it will be reset`);
  } else if (current === null) {
    problems.push(`record ${recordName} ${req.recordType} does not exist in ${req.hostedZoneId}`);
  } else if (current) {
    report.recordBefore = current;
    found.push(describeRecord(current));
    alreadyOnTarget = sameRecordValue(req.recordType, current.value, req.to.value);
    if (!alreadyOnTarget && !sameRecordValue(req.recordType, current.value, req.from.value)) {
      problems.push(
        `${recordName} points to ${current.value}, which is neither from.value (${req.from.value}) nor to.value; it is not switched`,
      );
    }
  }

  const db = settled('the replica', replicaState);
  if (replica && db) {
    const name = `replica ${replica.dbInstanceIdentifier} in ${replica.region}`;
    if (!db.exists) problems.push(`${name} does not exist`);
    else if (UNPROMOTABLE.includes(db.status ?? '')) problems.push(`${name} is ${db.status}; it cannot be promoted`);
    else if (db.replicaSource) found.push(`${name} is a read replica of ${db.replicaSource} (${db.status})`);
    else if (drill) problems.push(`${name} is not a read replica: the standby is not replicating`);
    else found.push(`${name} is already a standalone instance (${db.status}); the promotion step will find it done`);
  }

  if (alreadyOnTarget) {
    record('preflight', preStart, 'ok', [...found, ...problems.map((p) => `not needed for a no-op: ${p}`)].join('; '));
    const s = begin('already-on-target', 'nothing to do');
    if (replica) report.promotion = 'not-needed';
    record(
      'already-on-target',
      s,
      'ok',
      `${recordName} already points to ${req.to.value} (${req.to.region}); nothing was changed, the replica was not touched`,
    );
    return finish('completed');
  }
  if (problems.length) {
    record(
      'preflight',
      preStart,
      'failed',
      `${problems.join('; ')}. Nothing was changed.${found.length ? ` Found: ${found.join('; ')}` : ''}`,
    );
    return finish('failed', `preflight: ${problems.join('; ')}`);
  }
  record('preflight', preStart, 'ok', found.join('; '));

  const ttl = req.ttl ?? (drill ? report.productionRecord?.ttl : report.recordBefore?.ttl) ?? DEFAULT_TTL;
  const comment = `${workflowInfo().workflowId}: ${drill ? 'drill ' : ''}failover ${route}`.slice(0, 256);
  let drillSetup = 0;
  let drillRecordTouched = false;

  const afterPreflight = async (): Promise<FailoverReport> => {
    if (drill) {
      const s = begin('create-drill-record', `create ${recordName} with from.value`);
      drillRecordTouched = true;
      try {
        await dns.createDrillRecord.executeWithOptions(
          { summary: `Create drill record ${recordName} → ${req.from.value}` },
          [{ ...key, value: req.from.value, ttl, comment, ownValues }],
        );
      } catch (err) {
        if (isCancellation(err)) throw err;
        record('create-drill-record', s, 'failed', explain(err));
        return finish('failed', `could not create the drill record: ${explain(err)}`);
      }
      report.recordBefore = {
        name: recordName,
        type: req.recordType,
        ttl,
        value: req.from.value,
        values: [req.from.value],
      };
      record(
        'create-drill-record',
        s,
        'ok',
        `${recordName} ${req.recordType} → ${req.from.value} (TTL ${ttl}), INSYNC; drill setup, not counted in rtoSeconds`,
      );
      drillSetup = new Date().getTime() - s.getTime();
    }

    // 2. Approval.
    let rtoStart: Date;
    const a = begin(
      'approval',
      req.approval === 'signal' ? `waiting up to ${approvalTimeout} for approve or abort` : 'auto',
    );
    if (req.approval === 'signal') {
      progress.awaitingDecision = true;
      setCurrentDetails(
        `**Waiting for a decision** on the ${drill ? 'drill' : 'failover'} ${route} of ${recordName}, up to ${approvalTimeout}.\n\nSignal \`approve\` or \`abort\`.`,
      );
      const decided = await condition(() => decision !== undefined, durationMs(approvalTimeout)!);
      progress.awaitingDecision = false;
      report.decisionWaitSeconds = seconds(a, new Date());
      if (!decided || !decision) {
        record('approval', a, 'aborted', `no approve or abort within ${approvalTimeout}; nothing was changed`);
        return finish('aborted', `no decision within ${approvalTimeout}`);
      }
      if (decision.kind === 'abort') {
        record(
          'approval',
          a,
          'aborted',
          `aborted${by(decision)} after ${report.decisionWaitSeconds} s; nothing was changed`,
        );
        return finish('aborted', `aborted${by(decision)}`);
      }
      record('approval', a, 'ok', `approved${by(decision)} after ${report.decisionWaitSeconds} s`);
      rtoStart = decision.at;
    } else {
      if (decision?.kind === 'abort') {
        record(
          'approval',
          a,
          'aborted',
          `abort signal${by(decision)} arrived before anything was changed; nothing was changed`,
        );
        return finish('aborted', `aborted${by(decision)}`);
      }
      record(
        'approval',
        a,
        'ok',
        `approval: auto, no wait; rtoSeconds counts from the start of the run${drill ? ', less the drill setup' : ''}`,
      );
      rtoStart = new Date(workflowInfo().runStartTime.getTime() + drillSetup);
    }

    // 3. Promotion. A drill never promotes: the replica is the real standby.
    const p = begin('promote-replica', replica ? `promote ${replica.dbInstanceIdentifier}` : 'nothing to promote');
    if (drill && replica) {
      record(
        'promote-replica',
        p,
        'skipped',
        `drill: ${replica.dbInstanceIdentifier} in ${replica.region} is not promoted; a drill must never promote the real replica (preflight found it replicating)`,
      );
    } else if (!replica) {
      record('promote-replica', p, 'skipped', 'no promoteReplica in the request (a failback, or no database to move)');
    } else {
      try {
        const r = await promotion.promoteReplica.executeWithOptions(
          { summary: `Promote ${replica.dbInstanceIdentifier} in ${replica.region}, wait until available` },
          [replica],
        );
        report.promotion = r.action;
        const source = r.replicaSourceAfter
          ? `; RDS still lists ${r.replicaSourceAfter} as its source`
          : '; now a standalone instance';
        record(
          'promote-replica',
          p,
          'ok',
          `${replica.dbInstanceIdentifier} ${r.action === 'promoted' ? 'promoted' : 'was already promoted'} in ${replica.region}, status ${r.status}${source}`,
        );
      } catch (err) {
        if (isCancellation(err)) throw err;
        report.promotion = 'failed';
        record(
          'promote-replica',
          p,
          'failed',
          `${explain(err)}. A promotion RDS accepted keeps running and is not undone; ${recordName} was not changed. Run the same request again to resume.`,
        );
        return finish('failed', `promotion of ${replica.dbInstanceIdentifier} failed: ${explain(err)}`);
      }
    }

    // 4. The switch. From here on a promoted replica stays promoted.
    const sw = begin('switch-record', `UPSERT ${recordName} → ${req.to.value}`);
    try {
      const c = await dns.upsertRecord.executeWithOptions(
        { summary: `UPSERT ${recordName} ${req.recordType} → ${req.to.value}, wait for INSYNC` },
        [{ ...key, value: req.to.value, ttl, comment }],
      );
      record(
        'switch-record',
        sw,
        'ok',
        `UPSERT ${recordName} ${req.recordType} → ${req.to.value} (TTL ${ttl}); change ${c.changeId} ${c.status}${c.attempt > 1 ? ` on attempt ${c.attempt}` : ''}`,
      );
    } catch (err) {
      if (isCancellation(err)) throw err;
      const promoted = report.promotion === 'promoted' || report.promotion === 'already-promoted';
      const consequence = promoted
        ? ` The promotion of ${replica!.dbInstanceIdentifier} is NOT undone: it is a standalone instance in ${req.to.region} now, while ${recordName} still points to ${req.from.value}. Fix the cause and run the same request again: the promotion is found done and the switch is retried.`
        : ` ${recordName} was not changed.`;
      record('switch-record', sw, 'failed', `${explain(err)}.${consequence}`);
      return finish(
        'failed',
        `DNS switch failed after retries: ${explain(err)}${promoted ? '; the promotion is not undone' : ''}`,
      );
    }

    // 5. Read back.
    const v = begin('verify-record', `read ${recordName} back`);
    let after: RecordRead;
    try {
      after = await reads.readRecord.executeWithOptions(
        { summary: `Read ${recordName} back, expect ${req.to.value}` },
        [key],
      );
    } catch (err) {
      if (isCancellation(err)) throw err;
      record('verify-record', v, 'failed', explain(err));
      return finish('failed', `could not read ${recordName} back: ${explain(err)}`);
    }
    const verifiedAt = new Date();
    report.recordAfter = after.record;
    if (!after.record || after.unsupported || !sameRecordValue(req.recordType, after.record.value, req.to.value)) {
      const got = after.record ? after.record.value : 'no record';
      record(
        'verify-record',
        v,
        'failed',
        `read back ${got}, expected ${req.to.value}${after.unsupported ? ` (${after.unsupported})` : ''}`,
      );
      return finish('failed', `${recordName} reads ${got} after the switch, not ${req.to.value}`);
    }
    report.rtoSeconds = seconds(rtoStart, verifiedAt);
    record(
      'verify-record',
      v,
      'ok',
      `${describeRecord(after.record)}; switch verified ${report.rtoSeconds} s after ${req.approval === 'signal' ? 'approval' : 'the start'}`,
    );
    return finish('completed');
  };

  if (!drill) return afterPreflight();
  let result: FailoverReport | undefined;
  try {
    result = await afterPreflight();
    return result;
  } finally {
    // Also on cancellation or failure: a drill leaves nothing behind, and proves production untouched.
    await CancellationScope.nonCancellable(async () => {
      if (drillRecordTouched) {
        const d = begin('delete-drill-record', `delete ${recordName}`);
        try {
          const out = await cleanup.deleteDrillRecord.executeWithOptions(
            { summary: `Delete drill record ${recordName}` },
            [{ ...key, ownValues }],
          );
          record('delete-drill-record', d, 'ok', out.detail);
        } catch (err) {
          record('delete-drill-record', d, 'failed', `${explain(err)}; delete ${recordName} by hand`);
          if (result?.outcome === 'completed')
            finish('failed', `the drill record ${recordName} could not be deleted: ${explain(err)}`);
        }
      }
      const u = begin('production-untouched', `re-read ${productionKey.recordName}`);
      try {
        const now = (
          await reads.readRecord.executeWithOptions({ summary: `Re-read production ${productionKey.recordName}` }, [
            productionKey,
          ])
        ).record;
        const before = report.productionRecord;
        if (now?.value === before?.value && now?.ttl === before?.ttl) {
          record(
            'production-untouched',
            u,
            'ok',
            `${productionKey.recordName} still ${now ? `points to ${now.value} (TTL ${now.ttl ?? 'none'})` : 'absent'}; this run never wrote it`,
          );
        } else {
          record(
            'production-untouched',
            u,
            'failed',
            `${productionKey.recordName} was ${before ? before.value : 'absent'} and is now ${now ? now.value : 'absent'}; this drill never writes it, so something else did`,
          );
          if (result?.outcome === 'completed')
            finish('failed', `the production record changed during the drill (not by this run)`);
        }
      } catch (err) {
        record('production-untouched', u, 'failed', `could not re-read it: ${explain(err)}`);
      }
      progress.step = 'done';
    });
  }
}
