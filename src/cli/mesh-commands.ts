import { meshSummary } from '../domain/mesh/topology';
import type { MeshPlan, MeshRequest } from '../domain/mesh/types';
import { validateMeshRequest } from '../domain/mesh/validate';
import { parseFlags, readJsonFile } from './args';
import { awaitResult, startAndFollow } from './follow';
import { meshDefaultId } from './default-ids';
import { startOnce } from './start-once';
import { formatMeshPlan } from './mesh-table';
import { EXIT, printJson, UsageError } from './output';
import type { CommandContext } from './peering-commands';
import { meshTeardownView, meshView } from './progress-views';
import { MeshWorkflows } from '../domain/mesh/types';

const shortId = () => Date.now().toString(36);

function readMesh(file: string | undefined, command: string): MeshRequest {
  if (!file) throw new UsageError(`mesh ${command} needs --file mesh.json (see examples/mesh.json)`);
  const checked = validateMeshRequest(readJsonFile(file));
  if (!checked.ok) throw new UsageError(`InvalidMeshRequest: ${checked.error.field}: ${checked.error.reason}`);
  return checked.value;
}

/**
 * `mesh plan --file mesh.json [--id MESH_ID] [--json]`: the plan and every quota figure, read from
 * AWS by the worker, changing nothing. `--id` plans for that mesh, so its earlier pairs count as
 * there. Exit 2 when the mesh would exceed a quota.
 */
async function planCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv, [], ['json']);
  const req = readMesh(flags.file, 'plan');
  const client = await ctx.client();
  const handle = await client.workflow.start(MeshWorkflows.PlanPeeringMesh, {
    taskQueue: ctx.taskQueue,
    workflowId: `mesh-plan-${shortId()}`,
    args: flags.id ? [req, flags.id] : [req],
    staticSummary: `Plan only: ${meshSummary(flags.id ?? 'mesh', req)}`,
  });
  const plan = await handle.result().then(
    (value) => value as MeshPlan,
    () => undefined,
  );
  // A refusal (a VPC that is not there, …) is printed with its reason; bad input exits 2.
  if (!plan) return awaitResult(handle, { namespace: ctx.namespace, workflowType: MeshWorkflows.PlanPeeringMesh });
  if (flags.values.json === true) printJson(plan);
  else console.log(formatMeshPlan(plan));
  return plan.violations.length ? EXIT.badInput : EXIT.ok;
}

/** `mesh setup --file mesh.json [--id ID] [--wait]`: pairs done out of the total, live. */
async function setupCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  const req = readMesh(flags.file, 'setup');
  const workflowId = flags.id ?? meshDefaultId(req);
  return startOnce({
    client: await ctx.client(),
    namespace: ctx.namespace,
    taskQueue: ctx.taskQueue,
    workflowType: MeshWorkflows.SetupPeeringMesh,
    workflowId,
    args: [req],
    summary: meshSummary(workflowId, req),
    target: `A mesh of ${Object.keys(req.vpcs).join(', ')}`,
    wait: flags.wait,
    ...(flags.jsonOut ? { jsonOut: flags.jsonOut } : {}),
    view: meshView,
  });
}

/** `mesh teardown --id ID [--wait]` */
async function teardownCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  if (!flags.id) throw new UsageError('mesh teardown needs --id MESH_ID (the id mesh setup printed)');
  return startAndFollow({
    client: await ctx.client(),
    namespace: ctx.namespace,
    taskQueue: ctx.taskQueue,
    workflowType: MeshWorkflows.TeardownPeeringMesh,
    workflowId: `mesh-teardown-${flags.id}-${shortId()}`,
    args: [{ meshWorkflowId: flags.id }],
    summary: `Tear down mesh ${flags.id}`,
    wait: flags.wait,
    ...(flags.jsonOut ? { jsonOut: flags.jsonOut } : {}),
    view: meshTeardownView,
  });
}

const SUBCOMMANDS: Record<string, (ctx: CommandContext, argv: string[]) => Promise<number>> = {
  plan: planCommand,
  setup: setupCommand,
  teardown: teardownCommand,
};

/** `mesh plan|setup|teardown …` */
export async function meshCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const command = sub ? SUBCOMMANDS[sub] : undefined;
  if (!command) throw new UsageError('mesh needs plan, setup or teardown: mesh plan --file mesh.json');
  return command(ctx, rest);
}
