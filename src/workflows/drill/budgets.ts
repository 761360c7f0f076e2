import { executeChild, isCancellation, ParentClosePolicy, proxyActivities } from '@temporalio/workflow';
import type { SetupLocator } from '../../domain/peering/types';
import { roundUsd } from '../../domain/cost/report';
import type { CostReport } from '../../domain/cost/types';
import {
  DRILL_CHECKS,
  type DrillCheck,
  type DrillCost,
  type DrillLatency,
  type DrillRequest,
} from '../../domain/drill/types';
import { PeeringCostReport } from '../cost/peering-cost-report';
import { explain } from '../failures';
import { EC2_CALL, type Activities } from '../activity-options';
import { locatorAccess } from '../../domain/peering/types';

const performance = proxyActivities<Activities>(EC2_CALL);

/** PeeringCostReport, called by its registered name so the two workflows stay independent modules. */

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The month's spend and its forecast against the budget, from a cost report of the current month. */
export async function costCheck(
  drillId: string,
  req: DrillRequest & { costBudgetUsd: number },
): Promise<{ check: DrillCheck; cost?: DrillCost }> {
  const budget = req.costBudgetUsd;
  const reportWorkflowId = `${drillId}-cost`;
  let report: CostReport;
  try {
    report = await executeChild(PeeringCostReport, {
      args: [{ peering: req.peering, budgetUsd: budget }],
      workflowId: reportWorkflowId,
      staticSummary: `Drill cost check: this month's transfer against ${usd(budget)} (${req.name})`,
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { check: { name: DRILL_CHECKS.cost, ok: false, detail: `could not read the costs: ${explain(err)}` } };
  }
  const spent = report.totalCostUsd;
  const projected = roundUsd(spent + (report.forecastUsd ?? 0));
  const ok = spent <= budget && projected <= budget;
  const forecast =
    report.forecastUsd === undefined
      ? ` (no forecast: ${report.forecastNote ?? 'none'})`
      : `, ${usd(report.forecastUsd)} forecast for the rest (on course for ${usd(projected)})`;
  return {
    check: {
      name: DRILL_CHECKS.cost,
      ok,
      detail: `${usd(spent)} spent this month${forecast}; budget ${usd(budget)}${ok ? '' : ' EXCEEDED'}`,
    },
    cost: {
      budgetUsd: budget,
      monthToDateUsd: spent,
      ...(report.forecastUsd === undefined ? {} : { forecastUsd: report.forecastUsd }),
      projectedUsd: projected,
      reportWorkflowId,
    },
  };
}

/** AWS's p50 between the two regions against the budget; an unsubscribed pair is subscribed only if allowed. */
export async function latencyCheck(
  req: DrillRequest & { latencyBudgetMs: number },
  regions: { source: string; destination: string; roleArn?: string } | undefined,
): Promise<{ check: DrillCheck; latency?: DrillLatency }> {
  const budget = req.latencyBudgetMs;
  const fail = (detail: string) => ({ check: { name: DRILL_CHECKS.latency, ok: false, detail } });
  if (!regions) return fail('not measured: the peering could not be found');
  const { source, destination } = regions;
  if (source === destination) return fail(`not measured: both sides are in ${source}; AWS measures between regions`);
  let measured;
  try {
    measured = await performance.measureLatency.executeWithOptions(
      { summary: `Latency p50 ${source} → ${destination}` },
      [{ ...regions, enableSubscription: req.enableLatencySubscription === true }],
    );
  } catch (err) {
    if (isCancellation(err)) throw err;
    return fail(`could not measure: ${explain(err)}`);
  }
  const latency: DrillLatency = {
    budgetMs: budget,
    p50Ms: measured.p50Ms ?? null,
    source,
    destination,
    subscribed: measured.subscribed,
  };
  if (!measured.subscribed)
    return {
      ...fail(
        `not subscribed: ${source} → ${destination} has no aggregate-latency p50 subscription; ` +
          'set enableLatencySubscription to let the drill subscribe',
      ),
      latency,
    };
  if (measured.p50Ms === undefined)
    return {
      ...fail(`no p50 measured in the last hour${measured.enabled ? ' (the subscription was just made)' : ''}`),
      latency,
    };
  const ok = measured.p50Ms <= budget;
  return {
    check: {
      name: DRILL_CHECKS.latency,
      ok,
      detail: `p50 ${measured.p50Ms} ms ${source} → ${destination} at ${measured.at}, budget ${budget} ms${ok ? '' : ' EXCEEDED'}`,
    },
    latency,
  };
}

/**
 * The checks a drill adds for the budgets its request sets, in order: `cost`, then `latency`.
 * Without either budget it schedules nothing, so drills recorded before budgets replay unchanged.
 */
export async function budgetChecks(
  drillId: string,
  req: DrillRequest,
  locator: SetupLocator | undefined,
  at: (step: 'cost' | 'latency', line: string) => void,
): Promise<{ checks: DrillCheck[]; cost?: DrillCost; latency?: DrillLatency }> {
  const out: { checks: DrillCheck[]; cost?: DrillCost; latency?: DrillLatency } = { checks: [] };
  if (req.costBudgetUsd !== undefined) {
    at('cost', `reading this month's transfer costs against ${usd(req.costBudgetUsd)}`);
    const { check, cost } = await costCheck(drillId, { ...req, costBudgetUsd: req.costBudgetUsd });
    out.checks.push(check);
    if (cost) out.cost = cost;
  }
  if (req.latencyBudgetMs !== undefined) {
    const where = locator ?? ('requesterRegion' in req.peering ? req.peering : undefined);
    at('latency', `reading AWS's latency p50 against ${req.latencyBudgetMs} ms`);
    const regions = where && {
      source: where.requesterRegion,
      destination: where.accepterRegion,
      ...(locator ? locatorAccess(locator, 'requester') : {}),
    };
    const { check, latency } = await latencyCheck({ ...req, latencyBudgetMs: req.latencyBudgetMs }, regions);
    out.checks.push(check);
    if (latency) out.latency = latency;
  }
  return out;
}
