import {
  defineQuery,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  DRILL_CHECKS,
  type DrillProgress,
  type DrillReport,
  type DrillRequest,
  type InspectPeeringInput,
  type PeeringInspection,
} from '../../domain/drill/types';
import type { FailoverRequest } from '../../domain/failover/types';
import { DRILL_OUTCOME, PEERING_CONNECTION_ID } from '../../domain/search-attributes';
import { validateDrillRequest } from '../../domain/drill/validate';
import { budgetChecks } from './budgets';
import { inspect, PEERING_CHECKS, recoverySignalChecks, rehearsalCheck, rehearse, rtoCheck } from './checks';
import { checkPromotion, checkReplication, DRILL_DATA_PATCHES } from './replica-checks';
import { checkClusterReadiness, rehearseSwitchover } from './cluster-checks';
import { promotesCluster, type ClusterPromotion } from '../../domain/failover/cluster-promotion';
import { peeringRolesOf, resolveTarget, type Target } from './target';
import { drillRto } from '../../domain/drill/rto';
import { explain, invalidInput } from '../failures';
import { COMPOSITE, type Activities } from '../activity-options';
import { FailureTypes } from '../../domain/failure-types';

const driftRepair = proxyActivities<Activities>(COMPOSITE);

export const drillProgressQuery = defineQuery<DrillProgress>('progress');

/** Drills from before `recoveredWhen` refused it in the failover; on replay they still must. */
const RECOVERY_CHECKS_PATCH = 'failover-recovered-drill-checks';
const asksRecovery = (r: DrillRequest) =>
  typeof r?.failover === 'object' &&
  r.failover !== null &&
  ('recoveredWhen' in r.failover || 'recoveryTimeout' in r.failover);

/**
 * A DR drill: checks the peering path and its drift (repairing it when asked), rehearses the
 * failover and the failback as drills that never touch the production record, and compares the
 * measured RTO with the target. A broken peering gives a failed report, not a failed workflow.
 */
export async function DrDrill(request: DrillRequest): Promise<DrillReport> {
  if (asksRecovery(request) && !patched(RECOVERY_CHECKS_PATCH))
    throw invalidInput(FailureTypes.InvalidDrillRequest, {
      field: 'failover',
      reason: 'recoveredWhen is not known to this run',
    });
  const checked = validateDrillRequest(request);
  if (!checked.ok) throw invalidInput(FailureTypes.InvalidDrillRequest, checked.error);
  const req = checked.value;
  const { workflowId: drillId, runStartTime } = workflowInfo();
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
    return { expected: {}, problem: `could not find the peering: ${explain(err)}` };
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
      const repair = await driftRepair.repairPeeringDrift.executeWithOptions(
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
      ...peeringRolesOf(target.locator),
      ...req.failover,
      drill: true,
      approval: 'auto',
    };
    // The signals say the application serves in `to`; the failback's target is the other region.
    const { promoteReplica: replica, recoveredWhen: _signals, recoveryTimeout: _timeout, ...rest } = failover;
    const failback: FailoverRequest = { ...rest, from: failover.to, to: failover.from };
    const aurora = promotesCluster(req.failover) && patched('aurora-drill-cluster');
    const production = aurora ? (replica as unknown as ClusterPromotion) : undefined;
    if (production) await checkClusterReadiness(production, report, at);
    else if (replica && patched(DRILL_DATA_PATCHES.replication)) await checkReplication(replica, report, at);
    if (req.drillGlobalCluster && patched('aurora-drill-switchover'))
      await rehearseSwitchover(req.drillGlobalCluster, production, report, at);

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
    if (replica && !aurora && req.rehearsePromotion && patched(DRILL_DATA_PATCHES.rehearsal))
      await checkPromotion(drillId, replica, runStartTime, report, at);
  } else {
    const why = `not run: the peering is ${inspection?.status ?? 'not found'}`;
    report.checks.push(
      { name: DRILL_CHECKS.failover, ok: false, detail: why },
      { name: DRILL_CHECKS.failback, ok: false, detail: why },
      ...(req.failover.promoteReplica ? [{ name: DRILL_CHECKS.replication, ok: false, detail: why }] : []),
    );
  }
  // A report field from what the drill already measured: no new command, so no patch.
  Object.assign(report, drillRto(`${drillId}-failover`, report.failover, report.rehearsal));
  report.checks.push(rtoCheck(report.rtoSeconds, req.rtoTargetSeconds));
  const budgets = await budgetChecks(drillId, req, target.locator, at);
  report.checks.push(...budgets.checks);
  if (budgets.cost) report.cost = budgets.cost;
  if (budgets.latency) report.latency = budgets.latency;
  report.checks.push(...recoverySignalChecks(req.failover.recoveredWhen ?? [], report.failover));

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
