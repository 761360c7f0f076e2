import { defineQuery, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ClusterSide } from '../../domain/failover/cluster-promotion';
import { normalizeRecordName } from '../../domain/failover/dns-names';
import type { RecordKey } from '../../domain/failover/reads';
import {
  FAILOVER_PROGRESS_QUERY,
  type DecisionInput,
  type FailoverOutcome,
  type FailoverProgress,
  type FailoverReport,
  type FailoverRequest,
  type FailoverStepName,
  type StepOutcome,
  type CapacityState,
} from '../../domain/failover/types';
import { planStepNames } from '../../domain/failover/plan';
import { targetRecordName } from '../../domain/failover/validate';
import { installDecisionHandlers, newDecisionBook, type DecisionBook } from './decisions';

export { abortFailoverSignal, approveFailoverSignal } from './decisions';

export const failoverProgressQuery = defineQuery<FailoverProgress>(FAILOVER_PROGRESS_QUERY);

const DEFAULT_TTL = 60;

/** How a step ends the run, when it does: the runner finishes the report with it. */
export interface StepEnd {
  outcome: FailoverOutcome;
  reason?: string;
}

export const end = (outcome: FailoverOutcome, reason?: string): StepEnd => ({ outcome, ...(reason ? { reason } : {}) });

export interface Decision extends DecisionInput {
  kind: 'approve' | 'abort';
  at: Date;
  /** The order decisions came in (decisions.ts). */
  seq?: number;
}

/** One failover run's state, shared by its steps: the request, the report and the live progress. */
export interface FailoverRun {
  req: FailoverRequest;
  /** Aurora: the cluster `promoteReplica` named (taken out of `req`, which then names no instance). */
  cluster?: ClusterSide;
  drill: boolean;
  /** The record this run acts on (the drill record in a drill), normalized. */
  recordName: string;
  key: RecordKey;
  productionKey: RecordKey;
  /** Values that mark a drill record as this drill's own. */
  ownValues: string[];
  /** "from → to", for summaries. */
  route: string;
  progress: FailoverProgress;
  report: FailoverReport;
  /** The decision taken (decisions.ts: an early approve is not one); later ones change nothing. */
  decision?: Decision;
  decisions: DecisionBook;
  /** Set once preflight has read the record: the request's, else the record's own, else 60. */
  ttl: number;
  /** Shown in Route 53's change history. */
  comment: string;
  /** Time spent creating the drill record, left out of a drill's RTO. */
  drillSetupMs: number;
  drillRecordTouched: boolean;
  /** Where the RTO counts from: the approval, or the start of the run. */
  rtoStart?: Date;
  /** Preflight found traffic already on `to` while other end states did not hold: the switch only checks. */
  alreadySwitched?: boolean;
  /** When the switch was read back as done: capacity is lowered only a TTL after it. */
  verifiedAt?: Date;
  /** Per scale action, as preflight read it (null when its region did not answer). */
  capacity: Array<CapacityState | null>;
  /** What preflight saw the replica replicate from, if it still did. */
  replicaSource?: string;
  /** The ARC cluster endpoint that answered last: tried first next time. */
  clusterEndpoint?: string;
  /** When each step began, for a step that a cancellation interrupts. */
  began: Map<FailoverStepName, Date>;
  /** Starts a step: shown in the progress query and the Web UI's current details until recorded. */
  begin(name: FailoverStepName, what: string): Date;
  record(name: FailoverStepName, startedAt: Date, outcome: StepOutcome, detail: string): void;
  finish(outcome: FailoverOutcome, reason?: string): FailoverReport;
}

/** Sets up the query and the signal handlers, and the report that the steps fill in. */
export function startRun(req: FailoverRequest): FailoverRun {
  const drill = req.drill === true;
  const recordName = normalizeRecordName(targetRecordName(req));
  const key: RecordKey = { hostedZoneId: req.hostedZoneId, recordName, recordType: req.recordType };
  const replica = req.promoteReplica;
  const progress: FailoverProgress = {
    step: 'preflight',
    completed: [],
    steps: [],
    running: [],
    plan: [['preflight'], ...planStepNames(req)],
    awaitingDecision: false,
  };
  const route = `${req.from.region} → ${req.to.region}`;
  const doing = new Map<string, string>();
  const running = progress.running!;
  const showRunning = () =>
    setCurrentDetails(
      `**${drill ? 'Drill' : 'Failover'} ${route}**, ${recordName}\n\n` +
        running.map((name) => `**Step:** ${name}: ${doing.get(name) ?? ''}`).join('\n\n'),
    );
  const run: FailoverRun = {
    req,
    drill,
    recordName,
    key,
    productionKey: { ...key, recordName: normalizeRecordName(req.recordName) },
    ownValues: [req.from.value, req.to.value],
    route,
    progress,
    report: {
      outcome: 'failed',
      rtoSeconds: null,
      decisionWaitSeconds: 0,
      steps: progress.steps,
      recordBefore: null,
      recordAfter: null,
      recordName,
      drill,
      promotion: drill && replica ? 'skipped-in-drill' : replica ? 'not-reached' : 'not-requested',
      dnsSwitch: req.dnsSwitch?.mode ?? 'upsert',
      capacity: [],
      unreachable: [],
      warnings: [],
    },
    ttl: req.ttl ?? DEFAULT_TTL,
    comment: `${workflowInfo().workflowId}: ${drill ? 'drill ' : ''}failover ${route}`.slice(0, 256),
    drillSetupMs: 0,
    drillRecordTouched: false,
    decisions: newDecisionBook(),
    capacity: [],
    began: new Map(),
    begin(name, what) {
      progress.step = name;
      run.began.set(name, new Date());
      if (!running.includes(name)) running.push(name);
      doing.set(name, what);
      showRunning();
      return new Date();
    },
    record(name, startedAt, outcome, detail) {
      const at = running.indexOf(name);
      if (at >= 0) running.splice(at, 1);
      progress.steps.push({
        name,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        outcome,
        detail,
      });
      if (outcome === 'ok' || outcome === 'skipped') progress.completed.push(name);
    },
    finish(outcome, reason) {
      run.report.outcome = outcome;
      if (reason) run.report.reason = reason;
      run.report.recordAfter ??= run.report.recordBefore;
      progress.step = 'done';
      progress.outcome = outcome;
      progress.report = run.report;
      run.decisions.phase = run.decisions.phase === 'before-gate' ? 'ended' : run.decisions.phase;
      running.length = 0;
      setCurrentDetails(`**${outcome}**${reason ? `: ${reason}` : ''}`);
      return run.report;
    },
  };
  setHandler(failoverProgressQuery, () => progress);
  installDecisionHandlers(run);
  return run;
}

export const seconds = (from: Date, to: Date) => Math.round(to.getTime() - from.getTime()) / 1000;
export const by = (d: DecisionInput) => `${d.by ? ` by ${d.by}` : ''}${d.reason ? ` (${d.reason})` : ''}`;

/** The TTL to write once preflight has read the records: the request's, else the record's own, else 60. */
export function settleTtl(run: FailoverRun): void {
  run.ttl = run.req.ttl ?? (run.drill ? run.report.productionRecord?.ttl : run.report.recordBefore?.ttl) ?? DEFAULT_TTL;
}
