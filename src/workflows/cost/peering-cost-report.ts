import { isCancellation, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import { pairUsageTypes } from '../../domain/cost/billing-codes';
import { dayStartMs, forecastWindow, isoDay, resolvePeriod } from '../../domain/cost/period';
import { COST_SCOPE, isOverBudget, roundUsd, summarizePeriods, totals } from '../../domain/cost/report';
import type { CostReport, CostReportRequest } from '../../domain/cost/types';
import { requesterFirst, withEstimates } from '../../domain/cost/flow-log-records';
import { opt } from '../../domain/objects';
import { validateCostReportRequest } from '../../domain/cost/validate';
import { resolveCostTarget } from './target';
import { explain, invalidInput } from '../failures';
import { COST_EXPLORER, EC2_CALL, LONG_WAIT, type Activities } from '../activity-options';
import { type ForecastResult, type ReadFlowTrafficResult } from '../../domain/cost/types';
import { FailureTypes } from '../../domain/failure-types';

const costExplorer = proxyActivities<Activities>(COST_EXPLORER);
const pricing = proxyActivities<Activities>(EC2_CALL);
const flowLogs = proxyActivities<Activities>(LONG_WAIT);

/**
 * What the link costs: Cost Explorer's figures for the pair's inter-region transfer per period and
 * direction, the forecast for the rest of the month, the list price per GB, and, where the VPCs
 * have flow logs, which ports the bytes went to. It changes nothing, and makes a handful of AWS
 * calls (Cost Explorer bills each one).
 */
export async function PeeringCostReport(request: CostReportRequest): Promise<CostReport> {
  const today = isoDay(workflowInfo().runStartTime);
  const checked = validateCostReportRequest(request, today);
  if (!checked.ok) throw invalidInput(FailureTypes.InvalidCostReportRequest, checked.error);
  const req = checked.value;
  const period = resolvePeriod(req, today);
  const status = (line: string) => setCurrentDetails(`**Cost report** ${period.start} → ${period.end}\n\n${line}`);

  status('finding the peering');
  const target = await resolveCostTarget(req.peering);
  const [requester, accepter] = target.regions;
  if (requester === accepter)
    throw invalidInput(FailureTypes.InvalidCostReportRequest, {
      field: 'peering',
      reason: `peers two VPCs in ${requester}; this report covers inter-region transfer, which that peering has none of`,
    });
  const roles = pairUsageTypes(requester, accepter);
  const usageTypes = [...new Set(roles.map((r) => r.usageType))];
  const window = forecastWindow(period, today);
  const pcx = target.peeringConnectionId;

  status(`reading Cost Explorer, the Pricing API${pcx ? ' and the flow logs' : ''}`);
  const noForecast = (note: string): ForecastResult => ({ note });
  const [usage, forecast, rates, flow] = await Promise.all([
    costExplorer.readPeeringCosts.executeWithOptions(
      { summary: `Cost Explorer: ${requester} ↔ ${accepter} transfer, ${period.start} → ${period.end}` },
      [{ ...period, usageTypes }],
    ),
    window
      ? costExplorer.forecastPeeringCost
          .executeWithOptions({ summary: `Cost Explorer forecast, ${window.start} → ${window.end}` }, [
            { ...window, usageTypes },
          ])
          .catch((err: unknown) => {
            if (isCancellation(err)) throw err;
            return noForecast(`the forecast failed: ${explain(err)}`);
          })
      : Promise.resolve(noForecast(`the period ends before today (${today})`)),
    pricing.transferRates.executeWithOptions({ summary: `Price per GB ${requester} ↔ ${accepter}` }, [
      {
        directions: [
          { from: requester, to: accepter },
          { from: accepter, to: requester },
        ],
      },
    ]),
    pcx
      ? flowLogs.readPeeringFlowTraffic
          .executeWithOptions({ summary: `Flow-log bytes over ${pcx} per port` }, [
            {
              peeringConnectionId: pcx,
              requester: {
                region: requester,
                ...(target.access?.requester ?? opt('roleArn', target.requesterRoleArn)),
              },
              accepter: { region: accepter, ...(target.access?.accepter ?? opt('roleArn', target.accepterRoleArn)) },
              startMs: dayStartMs(period.start),
              endMs: dayStartMs(period.end),
              allow: target.allow,
            },
          ])
          .catch((err: unknown): ReadFlowTrafficResult => {
            if (isCancellation(err)) throw err;
            return {
              traffic: { ports: [], logGroups: [], records: 0, note: `could not read: ${explain(err)}` },
              pages: 0,
            };
          })
      : Promise.resolve<ReadFlowTrafficResult>({ traffic: null, pages: 0 }),
  ]);

  const periods = summarizePeriods(usage.periods, roles, target.regions);
  const sum = totals(periods);
  const rateOf = (from: string, to: string) => rates.find((r) => r.from === from && r.to === to)?.usdPerGb ?? null;
  const report: CostReport = {
    peeringConnectionId: pcx,
    ...(target.setupWorkflowId ? { setupWorkflowId: target.setupWorkflowId } : {}),
    regions: target.regions,
    usageTypes,
    ...period,
    periods,
    ...sum,
    ...(forecast.forecastUsd === undefined ? {} : { forecastUsd: roundUsd(forecast.forecastUsd) }),
    ...(forecast.note ? { forecastNote: forecast.note } : {}),
    ...(req.budgetUsd === undefined ? {} : { budgetUsd: req.budgetUsd }),
    overBudget: isOverBudget(sum.totalCostUsd, req.budgetUsd),
    rates,
    ...(flow.traffic
      ? { flowLogs: { ...flow.traffic, ports: requesterFirst(withEstimates(flow.traffic.ports, rateOf), requester) } }
      : {}),
    scope: COST_SCOPE,
    calls: {
      'ce:GetCostAndUsage': usage.pages,
      'ce:GetCostForecast': window ? 1 : 0,
      'pricing:GetProducts': rates.length,
      'logs:FilterLogEvents': flow.pages,
    },
  };
  status(
    `**Done:** ${report.totalGb} GB, $${report.totalCostUsd}` +
      (report.budgetUsd === undefined ? '' : ` of a $${report.budgetUsd} budget${report.overBudget ? ' (OVER)' : ''}`),
  );
  return report;
}
