import { WorkflowFailedError } from '@temporalio/client';
import { isoDay } from '../domain/cost/period';
import type { CostReport, CostReportRequest } from '../domain/cost/types';
import { validateCostReportRequest } from '../domain/cost/validate';
import { parseFlags, readJsonFile } from './args';
import { renderCostReport } from './cost-output';
import { explainFailure } from './follow';
import { EXIT, printJson, UsageError, webUiLink } from './output';
import type { CommandContext } from './peering-commands';
import { CostWorkflows } from '../domain/cost/types';

const USAGE =
  'cost needs --setup-id ID, --peering pcx-… --requester-region R --accepter-region R, or --file report.json';

function requestFrom(argv: string[]): { request: CostReportRequest; json: boolean } {
  const flags = parseFlags(
    argv,
    ['setup-id', 'peering', 'requester-region', 'accepter-region', 'start', 'end', 'granularity', 'budget'],
    ['json'],
  );
  const v = flags.values;
  const str = (name: string) => (typeof v[name] === 'string' ? v[name] : undefined);
  let base: Record<string, unknown>;
  if (flags.file) {
    const raw = readJsonFile(flags.file);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new UsageError(`--file ${flags.file}: expected a JSON object`);
    base = raw as Record<string, unknown>;
  } else if (str('setup-id')) base = { peering: { setupWorkflowId: str('setup-id') } };
  else if (str('peering') && str('requester-region') && str('accepter-region'))
    base = {
      peering: {
        peeringConnectionId: str('peering'),
        requesterRegion: str('requester-region'),
        accepterRegion: str('accepter-region'),
      },
    };
  else throw new UsageError(USAGE);
  const budget = str('budget');
  if (budget !== undefined && !/^\d+(\.\d+)?$/.test(budget))
    throw new UsageError(`--budget ${budget}: expected a number of US dollars, such as 500`);
  const input = {
    ...base,
    ...(str('start') ? { start: str('start') } : {}),
    ...(str('end') ? { end: str('end') } : {}),
    ...(str('granularity') ? { granularity: str('granularity')!.toUpperCase() } : {}),
    ...(budget !== undefined ? { budgetUsd: Number(budget) } : {}),
  };
  const checked = validateCostReportRequest(input, isoDay(new Date()));
  if (!checked.ok) throw new UsageError(`InvalidCostReportRequest: ${checked.error.field}: ${checked.error.reason}`);
  return { request: checked.value, json: v.json === true };
}

/**
 * `cost --setup-id ID [--start D --end D] [--granularity DAILY] [--budget USD] [--json]`: runs a
 * PeeringCostReport and prints it as tables (or the report as JSON). Exits 1 when over budget.
 */
export async function costCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const { request, json } = requestFrom(argv);
  const target =
    'setupWorkflowId' in request.peering ? request.peering.setupWorkflowId : request.peering.peeringConnectionId;
  const client = await ctx.client();
  const handle = await client.workflow.start(CostWorkflows.PeeringCostReport, {
    taskQueue: ctx.taskQueue,
    workflowId: `cost-${target}-${Date.now().toString(36)}`,
    args: [request],
    staticSummary: `Cost of ${target}`,
  });
  console.error(`Started PeeringCostReport ${handle.workflowId}`);
  let report: CostReport;
  try {
    report = (await handle.result()) as CostReport;
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    console.error(`✖ PeeringCostReport ${handle.workflowId} failed:\n  ${explainFailure(err)}`);
    console.error(`Web UI: ${webUiLink(ctx.namespace, handle.workflowId)}`);
    return EXIT.failed;
  }
  if (json) printJson(report);
  else console.log(renderCostReport(report));
  return report.overBudget ? EXIT.failed : EXIT.ok;
}
