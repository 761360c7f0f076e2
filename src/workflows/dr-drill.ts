import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  defineQuery,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { InspectPeeringInput, PeeringInspection } from '../activities/peering-inspection';
import type { SetupRecord } from '../activities/setup-lookup';
import {
  DRILL_CHECKS,
  type DrillCheck,
  type DrillProgress,
  type DrillReport,
  type DrillRequest,
} from '../domain/drill-types';
import type { FailoverReport, FailoverRequest } from '../domain/failover-types';
import { DRILL_OUTCOME, PEERING_CONNECTION_ID } from '../domain/search-attributes';
import type { SetupLocator } from '../domain/types';
import { validateDrillRequest } from '../domain/validate-drill';
import type { InvalidField } from '../domain/validate-peering';
import { EC2_CALL } from './profiles';

type Activities = ReturnType<typeof createActivities>;
const ec2 = proxyActivities<Activities>(EC2_CALL);

/** FailoverToRegion, called by its registered name so the two workflows stay independent modules. */
type FailoverWorkflow = (request: FailoverRequest) => Promise<FailoverReport>;

export const drillProgressQuery = defineQuery<DrillProgress>('progress');

const PEERING_CHECKS = [
  DRILL_CHECKS.peeringActive,
  DRILL_CHECKS.dns,
  DRILL_CHECKS.routes,
  DRILL_CHECKS.securityGroups,
  DRILL_CHECKS.nacls,
];

function invalidDrill(error: InvalidField): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'InvalidDrillRequest',
    message: `${error.field}: ${error.reason}`,
    nonRetryable: true,
    details: [error],
  });
}

/** The failure type underneath an activity or child failure, and its message. */
function causeOf(err: unknown): { type?: string; message: string } {
  let cur: unknown = err;
  while ((cur instanceof ActivityFailure || cur instanceof ChildWorkflowFailure) && cur.cause) cur = cur.cause;
  if (cur instanceof ApplicationFailure)
    return { type: cur.type ?? undefined, message: `${cur.type ?? 'Error'}: ${cur.message}` };
  return { message: cur instanceof Error ? cur.message : String(cur) };
}

/** What the drill is about to check, or why it cannot check anything. */
interface Target {
  locator?: SetupLocator & { peeringConnectionId: string };
  expected: Omit<InspectPeeringInput, 'locator'>;
  problem?: string;
}

/**
 * A DR drill: checks the peering path and its drift (repairing it when asked), rehearses the
 * failover and the failback as drills that never touch the production record, and compares the
 * measured RTO with the target. A broken peering gives a failed report, not a failed workflow.
 */
export async function DrDrill(request: DrillRequest): Promise<DrillReport> {
  const checked = validateDrillRequest(request);
  if (!checked.ok) throw invalidDrill(checked.error);
  const req = checked.value;
  const drillId = workflowInfo().workflowId;
  const progress: DrillProgress = { step: 'resolve', checks: [], drift: [], repaired: [] };
  setHandler(drillProgressQuery, () => progress);
  upsertSearchAttributes([{ key: DRILL_OUTCOME, value: 'running' }]);
  const what =
    'setupWorkflowId' in req.peering ? `setup ${req.peering.setupWorkflowId}` : req.peering.peeringConnectionId;
  const at = (step: DrillProgress['step'], line: string) => {
    progress.step = step;
    setCurrentDetails(`**DR drill ${req.name}** on ${what}\n\n**Step:** ${line}`);
  };

  at('resolve', 'finding the peering and the rules it should hold');
  const target = await resolveTarget(req).catch((err: unknown): Target => {
    if (isCancellation(err)) throw err;
    return { expected: {}, problem: `could not find the peering: ${causeOf(err).message}` };
  });
  const report: DrillReport = {
    name: req.name,
    peeringConnectionId: target.locator?.peeringConnectionId ?? null,
    outcome: 'failed',
    checks: [],
    drift: [],
    repaired: [],
    repairFailures: [],
    failover: null,
    failback: null,
    rtoSeconds: null,
    rtoTargetSeconds: req.rtoTargetSeconds,
  };
  if (target.locator)
    upsertSearchAttributes([{ key: PEERING_CONNECTION_ID, value: target.locator.peeringConnectionId }]);

  let inspection: PeeringInspection | undefined;
  if (target.locator) {
    const input: InspectPeeringInput = { locator: target.locator, ...target.expected };
    const pcx = target.locator.peeringConnectionId;
    at('inspect', `checking ${pcx} in ${target.locator.requesterRegion} and ${target.locator.accepterRegion}`);
    inspection = await inspect(input, `Check ${pcx}: status, DNS, routes, security groups, NACL entries`);
    report.drift = inspection.drift;
    progress.drift = inspection.drift;
    const repairable = inspection.drift.filter((d) => d.repair).length;
    if (req.repairDrift && inspection.drift.length) {
      at('repair', `putting back ${repairable} drifted item(s)`);
      // Items without a repair come back as failures, with the reason, for the report.
      const repair = await ec2.repairPeeringDrift.executeWithOptions(
        { summary: `Put back ${repairable} drifted item(s) on ${pcx}` },
        [{ locator: target.locator, items: inspection.drift }],
      );
      report.repaired = repair.repaired;
      report.repairFailures = repair.failed;
      progress.repaired = repair.repaired;
      if (repair.repaired.length) {
        at('re-inspect', `checking ${pcx} again after the repair`);
        inspection = await inspect(input, `Check ${pcx} again after the repair`);
      }
    }
    report.checks.push(...inspection.checks);
  } else {
    report.checks.push(
      ...PEERING_CHECKS.map((name) => ({
        name,
        ok: false,
        detail: target.problem ?? 'the peering could not be found',
      })),
    );
  }
  progress.checks = report.checks;

  if (target.locator && inspection?.status === 'active') {
    const failover: FailoverRequest = {
      peeringConnectionId: target.locator.peeringConnectionId,
      ...req.failover,
      drill: true,
      approval: 'auto',
    };
    const { promoteReplica: _promote, ...rest } = failover;
    const failback: FailoverRequest = { ...rest, from: failover.to, to: failover.from };

    at('failover', `rehearsing the failover ${failover.from.region} → ${failover.to.region} on the drill record`);
    const forth = await rehearse(
      `${drillId}-failover`,
      failover,
      `Drill failover ${failover.from.region} → ${failover.to.region} (${req.name})`,
    );
    report.failover = forth.report;
    report.rtoSeconds = forth.report?.rtoSeconds ?? null;
    report.checks.push(rehearsalCheck(DRILL_CHECKS.failover, forth));
    if (forth.report?.outcome === 'completed') {
      at('failback', `rehearsing the failback ${failback.from.region} → ${failback.to.region} on the drill record`);
      const back = await rehearse(
        `${drillId}-failback`,
        failback,
        `Drill failback ${failback.from.region} → ${failback.to.region} (${req.name})`,
      );
      report.failback = back.report;
      report.checks.push(rehearsalCheck(DRILL_CHECKS.failback, back));
    } else {
      report.checks.push({
        name: DRILL_CHECKS.failback,
        ok: false,
        detail: 'not run: the failover rehearsal did not complete',
      });
    }
  } else {
    const why = `not run: the peering is ${inspection?.status ?? 'not found'}`;
    report.checks.push(
      { name: DRILL_CHECKS.failover, ok: false, detail: why },
      { name: DRILL_CHECKS.failback, ok: false, detail: why },
    );
  }
  report.checks.push(rtoCheck(report.rtoSeconds, req.rtoTargetSeconds));

  report.outcome = report.checks.every((c) => c.ok) ? 'passed' : 'failed';
  upsertSearchAttributes([{ key: DRILL_OUTCOME, value: report.outcome }]);
  const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
  progress.step = 'done';
  setCurrentDetails(
    `**DR drill ${req.name}** on ${what}${report.peeringConnectionId ? ` (${report.peeringConnectionId})` : ''}: **${report.outcome}**\n\n` +
      `${failed.length ? `Failed checks: ${failed.join(', ')}` : 'Every check holds.'} ` +
      `Drift found: ${report.drift.length}, repaired: ${report.repaired.length}. ` +
      `RTO ${report.rtoSeconds === null ? 'not measured' : `${report.rtoSeconds} s`} (target ${req.rtoTargetSeconds} s).`,
  );
  return report;
}

/** Inspection failures (AWS refusing, retries used up) become a failed report, never a failed drill run. */
async function inspect(input: InspectPeeringInput, summary: string): Promise<PeeringInspection> {
  try {
    return await ec2.inspectPeering.executeWithOptions({ summary }, [input]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    const detail = `could not inspect: ${causeOf(err).message}`;
    return {
      peeringConnectionId: input.locator.peeringConnectionId,
      status: 'unknown',
      checks: PEERING_CHECKS.map((name) => ({ name, ok: false, detail })),
      drift: [],
    };
  }
}

async function resolveTarget(req: DrillRequest): Promise<Target> {
  const fromExpect = req.expect
    ? {
        allow: req.expect.allow,
        dnsResolution: req.expect.dnsResolution ?? true,
        ...(req.expect.naclRuleBase ? { naclRuleBase: req.expect.naclRuleBase } : {}),
      }
    : undefined;
  const fromRecord = (record: SetupRecord): Target['expected'] => {
    const side = (role: 'requester' | 'accepter') => {
      const routeTableIds = record.result?.[role].routeTableIds ?? record.request[role].routeTableIds;
      const networkAclIds = record.result?.[role].networkAclIds;
      return { ...(routeTableIds ? { routeTableIds } : {}), ...(networkAclIds ? { networkAclIds } : {}) };
    };
    return {
      allow: record.request.allow,
      dnsResolution: record.request.dnsResolution !== false,
      ...(record.request.naclRuleBase ? { naclRuleBase: record.request.naclRuleBase } : {}),
      requester: side('requester'),
      accepter: side('accepter'),
      ...fromExpect,
    };
  };
  const readRecord = async (setupId: string): Promise<SetupRecord | string> => {
    try {
      return await ec2.readSetupRecord.executeWithOptions({ summary: `Read setup ${setupId}'s request and result` }, [
        setupId,
      ]);
    } catch (err) {
      const cause = causeOf(err);
      if (cause.type === 'SetupNotFound') return `${cause.message} (its history may be past the namespace's retention)`;
      throw err;
    }
  };

  if ('setupWorkflowId' in req.peering) {
    const setupId = req.peering.setupWorkflowId;
    const record = await readRecord(setupId);
    if (typeof record === 'string')
      return { expected: {}, problem: `${record}; drill by peeringConnectionId with "expect" instead` };
    let pcx = record.result?.peeringConnectionId;
    if (!pcx) {
      const inventory = await ec2.findSetupResources.executeWithOptions(
        { summary: `Find the peering of setup ${setupId}` },
        [record.locator],
      );
      pcx = inventory.peeringConnectionId;
    }
    if (!pcx)
      return { expected: {}, problem: `setup ${setupId} has no peering connection (it failed, or was torn down)` };
    return { locator: { ...record.locator, peeringConnectionId: pcx }, expected: fromRecord(record) };
  }

  const { peeringConnectionId, requesterRegion, accepterRegion } = req.peering;
  const locator = { peeringConnectionId, requesterRegion, accepterRegion };
  if (fromExpect) return { locator, expected: fromExpect };
  // The peering's setup tag leads to the setup, whose request holds the allowed rules.
  let setupId: string | undefined;
  try {
    setupId = (
      await ec2.findSetupResources.executeWithOptions({ summary: `Find the setup that made ${peeringConnectionId}` }, [
        locator,
      ])
    ).setupId;
  } catch (err) {
    if (causeOf(err).type !== 'NotCreatedBySetup') throw err;
  }
  if (!setupId)
    return {
      locator,
      expected: {
        allowUnknownReason: `${peeringConnectionId} was not made by a setup (or is gone); give "expect" in the drill request`,
      },
    };
  const record = await readRecord(setupId);
  if (typeof record === 'string')
    return { locator, expected: { allowUnknownReason: `${record}; give "expect" in the drill request` } };
  return { locator: { ...record.locator, peeringConnectionId }, expected: fromRecord(record) };
}

async function rehearse(
  workflowId: string,
  request: FailoverRequest,
  summary: string,
): Promise<{ report: FailoverReport | null; error?: string }> {
  try {
    const report = await executeChild<FailoverWorkflow>('FailoverToRegion', {
      args: [request],
      workflowId,
      staticSummary: summary,
      // A cancelled drill lets the rehearsal delete its drill record instead of being cut off.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
    return { report };
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { report: null, error: causeOf(err).message };
  }
}

function rehearsalCheck(name: string, run: { report: FailoverReport | null; error?: string }): DrillCheck {
  const r = run.report;
  if (!r) return { name, ok: false, detail: `the rehearsal failed: ${run.error ?? 'no report'}` };
  if (r.outcome !== 'completed') return { name, ok: false, detail: `${r.outcome}: ${r.reason ?? 'no reason given'}` };
  return {
    name,
    ok: true,
    detail: `completed on ${r.recordName}${r.rtoSeconds === null ? '' : ` in ${r.rtoSeconds} s`}`,
  };
}

function rtoCheck(rto: number | null, target: number): DrillCheck {
  if (rto === null)
    return {
      name: DRILL_CHECKS.rto,
      ok: false,
      detail: `not measured (the failover rehearsal did not switch); target ${target} s`,
    };
  return {
    name: DRILL_CHECKS.rto,
    ok: rto <= target,
    detail: `${rto} s measured, target ${target} s${rto <= target ? '' : ` (over by ${Math.round((rto - target) * 1000) / 1000} s)`}`,
  };
}
