import type { DrillProgress, DrillReport } from '../domain/drill/types';
import { describeReading } from '../domain/failover/recovery';
import type { FailoverProgress, FailoverReport, FailoverStepName, SignalReading } from '../domain/failover/types';
import type { MeshResult } from '../domain/mesh/types';
import type { PeeringResult, TeardownResult } from '../domain/peering/types';
import { SETUP_STEPS } from '../domain/peering/setup-stages';
import type { ProgressView } from './follow';
import { protectView, reprotectView, unprotectView } from './database-commands';
import { describeDrillRto } from '../domain/drill/rto';

const count = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

export const setupView: ProgressView = {
  steps: SETUP_STEPS,
  read: (p) => ({
    step: String(p.step),
    resources: count(p.created),
    ...(p.step === 'rollback' ? { detail: `rolling back ${count(p.created)} resource(s)` } : {}),
  }),
  summarize: (result) => {
    const r = result as PeeringResult;
    return `${r.peeringConnectionId} is ${r.status} between ${r.requester.vpcId} (${r.requester.region}) and ${r.accepter.vpcId} (${r.accepter.region}); ${r.created.length} resource(s) created`;
  },
  resultResources: (result) => (result as PeeringResult).created.length,
};

/** The setup's view for a request this CLI starts: the flow-logs step only when it asks for them. */
export const setupViewFor = (flowLogs: boolean | undefined): ProgressView =>
  flowLogs ? setupView : { ...setupView, steps: SETUP_STEPS.filter((s) => s !== 'flow-logs') };

export const teardownView: ProgressView = {
  steps: ['locate', 'inventory', 'delete'],
  read: (p) => ({ step: String(p.step), resources: count(p.found), detail: `${count(p.found)} resource(s) found` }),
  summarize: (result) => {
    const r = result as TeardownResult;
    return `deleted ${r.deleted.length}, ${r.alreadyGone.length} already gone`;
  },
};

export const meshView: ProgressView = {
  steps: ['plan', 'vpcs', 'pairs'],
  read: (p) => ({
    step: String(p.step),
    resources: Number(p.pairsDone ?? 0),
    detail:
      p.step === 'rollback'
        ? 'rolling back every pair and VPC the mesh made'
        : `${Number(p.pairsDone ?? 0)}/${Number(p.pairsTotal ?? 0)} pairs done${count(p.running) ? `, ${count(p.running)} running` : ''}`,
  }),
  summarize: (result) => {
    const r = result as MeshResult;
    const fresh = r.peerings.filter((p) => !p.alreadyThere).length;
    return `${r.peerings.length} peerings between ${Object.keys(r.vpcs).length} VPCs: ${fresh} set up now, ${r.peerings.length - fresh} already there; ${r.created.filter((c) => c.type === 'vpc').length} VPC(s) created`;
  },
};

export const meshTeardownView: ProgressView = {
  steps: ['locate', 'pairs', 'vpcs'],
  read: (p) => ({
    step: String(p.step),
    resources: 0,
    detail: `${Number(p.pairsDone ?? 0)}/${Number(p.pairsTotal ?? 0)} pairs torn down`,
  }),
  summarize: (result) => teardownView.summarize(result),
};

/** Shortened for a terminal line; the full detail is in the report. */
const oneLine = (text: string) => (text.length > 160 ? `${text.slice(0, 157)}…` : text);

/** The recovery wait heartbeats each poll's readings; `failover --wait` shows the last one live. */
const RECOVERY_WAIT = 'awaitRecovery';
function recoveryLine(seen: unknown): string {
  const readings = (seen as { readings?: SignalReading[] } | undefined)?.readings;
  if (!readings?.length) return 'waiting for the first reading of the health signals';
  const healthy = readings.filter((r) => r.healthy).length;
  return oneLine(`${healthy} of ${readings.length} healthy: ${readings.map(describeReading).join('; ')}`);
}

export const failoverView: ProgressView = {
  // For runs from before the runbook reported its plan: a plain failover skips the drill-record
  // steps, and the tracker just moves past them.
  steps: [
    'preflight',
    'create-drill-record',
    'approval',
    'promote-replica',
    'switch-record',
    'verify-record',
    'recovered',
    'delete-drill-record',
  ],
  read: (p) => {
    const f = p as unknown as FailoverProgress;
    return {
      step: String(f.step),
      resources: 0,
      ...(f.awaitingDecision ? { detail: 'waiting for approve or abort' } : {}),
    };
  },
  // Each step the run plans, the scale steps and those that run at once included.
  plan: (p) => (p as unknown as FailoverProgress).plan,
  heartbeatsOf: (p) => ((p as unknown as FailoverProgress).running?.includes('recovered') ? [RECOVERY_WAIT] : []),
  stepState: (p, name, heartbeats) => {
    const f = p as unknown as FailoverProgress;
    const done = [...f.steps].reverse().find((s) => s.name === name);
    if (done) {
      const state = done.outcome === 'ok' ? 'ok' : done.outcome === 'skipped' ? 'skipped' : 'failed';
      return { state, detail: oneLine(done.detail) };
    }
    if (f.running?.includes(name as FailoverStepName)) {
      return {
        state: 'running',
        ...(name === 'approval' && f.awaitingDecision ? { detail: 'waiting for approve or abort' } : {}),
        ...(name === 'recovered' ? { detail: recoveryLine(heartbeats[RECOVERY_WAIT]) } : {}),
      };
    }
    return { state: 'pending' };
  },
  summarize: (result) => {
    const r = result as FailoverReport;
    const rc = r.routingControls?.after;
    const where = rc
      ? `routing controls: to ${rc.to}, from ${rc.from}`
      : `${r.recordAfter?.name ?? ''} → ${r.recordAfter?.value ?? '-'}`;
    const scaled = r.capacity?.filter((c) => c.outcome === 'ok').length ?? 0;
    const healthy = r.recovery
      ? `; ${r.recovery.healthyAt ? `healthy ${r.recovery.waitedSeconds} s after the switch` : 'not healthy in time (see warnings)'}`
      : '';
    return `outcome ${r.outcome}, RTO ${r.rtoSeconds ?? '-'} s; ${where}${scaled ? `; ${scaled} scale action(s) in service` : ''}${healthy}`;
  },
};

export const drillView: ProgressView = {
  steps: ['resolve', 'inspect', 'repair', 're-inspect', 'replication', 'failover', 'failback', 'rehearse-promotion'],
  read: (p) => {
    const d = p as unknown as DrillProgress;
    return {
      step: String(d.step),
      resources: count(d.repaired),
      detail: `${count(d.drift)} drift item(s), ${count(d.repaired)} repaired`,
    };
  },
  summarize: (result) => {
    const r = result as DrillReport;
    return `drill ${r.name} ${r.outcome}: ${describeDrillRto(r)}, ${r.drift.length} drift item(s), ${r.repaired.length} repaired`;
  },
};

/** Views by workflow type, for `status --wait` on a run this CLI did not start. */
export const PROGRESS_VIEWS: Record<string, ProgressView> = {
  SetupInterRegionPeering: setupView,
  TeardownInterRegionPeering: teardownView,
  FailoverToRegion: failoverView,
  DrDrill: drillView,
  SetupPeeringMesh: meshView,
  TeardownPeeringMesh: meshTeardownView,
  ProtectDatabase: protectView,
  ReprotectDatabase: reprotectView,
  UnprotectDatabase: unprotectView,
};
