import { protectWorkflowId } from '../domain/database/names';
import {
  DatabaseWorkflows,
  type ProtectionProgress,
  type ProtectionReport,
  type UnprotectResult,
} from '../domain/database/types';
import {
  validateProtectionRequest,
  validateReprotectRequest,
  validateUnprotectRequest,
} from '../domain/database/validate';
import { parseFlags, readJsonFile } from './args';
import type { ProgressView } from './follow';
import { UsageError } from './output';
import { reprotectDefaultId } from './default-ids';
import { startOnce } from './start-once';
import { clusterProtect, clusterReprotect, clusterSummary } from './aurora-commands';
import type { CommandContext } from './peering-commands';

const PROTECT_STEPS = ['check', 'subnet-group', 'security-group', 'replica', 'replicating', 'lag'];
const REPROTECT_STEPS = ['check', 'retire', 'replica', 'replicating', 'lag'];

function replicaLine(p: ProtectionProgress): string | undefined {
  const r = p.replica;
  if (p.step === 'rollback') return `rolling back ${p.created.length} resource(s)`;
  if (!r) return undefined;
  const lag =
    r.lagSeconds === undefined
      ? ''
      : `, ReplicaLag ${r.lagSeconds === null ? 'not reported yet' : `${r.lagSeconds} s`}`;
  return `replica ${r.status}${r.replicationStatus ? `, ${r.replicationStatus}` : ''}${lag}`;
}

const protectionView = (steps: string[]): ProgressView => ({
  steps,
  read: (raw) => {
    const p = raw as unknown as ProtectionProgress;
    const detail = replicaLine(p);
    return { step: p.step, resources: p.created.length, ...(detail ? { detail } : {}) };
  },
  summarize: (result) => {
    const cluster = clusterSummary(result);
    if (cluster) return cluster;
    const r = result as ProtectionReport;
    const retired = r.retired
      ? `; ${r.retired.dbInstanceIdentifier} retired${r.retired.stopped ? ' and stopped' : ''}, kept`
      : '';
    return `${r.replica.dbInstanceIdentifier} (${r.replica.region}) replicates ${r.source.dbInstanceIdentifier} (${r.source.region}): ${r.replicationStatus}, ReplicaLag ${r.lagSeconds ?? '-'} s${retired}`;
  },
  resultResources: (result) => (result as ProtectionReport).created.length,
});

export const protectView = protectionView(PROTECT_STEPS);
export const reprotectView = protectionView(REPROTECT_STEPS);
export const unprotectView: ProgressView = {
  steps: [],
  read: () => ({ step: 'unprotect', resources: 0 }),
  summarize: (result) => {
    const r = result as UnprotectResult;
    return `deleted ${r.deleted.length}, ${r.alreadyGone.length} already gone${r.kept?.length ? `, ${r.kept.length} left alone` : ''}`;
  },
};

/** What every start here shares. */
const common = async (ctx: CommandContext, flags: ReturnType<typeof parseFlags>) => ({
  client: await ctx.client(),
  namespace: ctx.namespace,
  taskQueue: ctx.taskQueue,
  wait: flags.wait,
  ...(flags.jsonOut ? { jsonOut: flags.jsonOut } : {}),
});

/** `protect --file protect.json [--id ID] [--wait] [--json-out report.json]` */
export async function protectCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  if (!flags.file) throw new UsageError('protect needs --file request.json (see examples/protect.json)');
  const input = readJsonFile(flags.file);
  const cluster = clusterProtect(input, flags.id);
  if (cluster)
    return startOnce({
      ...(await common(ctx, flags)),
      ...cluster,
      workflowType: DatabaseWorkflows.ProtectDatabase,
      view: protectView,
    });
  const checked = validateProtectionRequest(input);
  if (!checked.ok) throw new UsageError(`InvalidProtectionRequest: ${checked.error.field}: ${checked.error.reason}`);
  const req = checked.value;
  return startOnce({
    client: await ctx.client(),
    namespace: ctx.namespace,
    taskQueue: ctx.taskQueue,
    workflowType: DatabaseWorkflows.ProtectDatabase,
    workflowId: flags.id ?? protectWorkflowId(req.replica),
    args: [req],
    summary: `Protect ${req.source.dbInstanceIdentifier} (${req.source.region}) with ${req.replica.dbInstanceIdentifier} (${req.replica.region})`,
    wait: flags.wait,
    ...(flags.jsonOut ? { jsonOut: flags.jsonOut } : {}),
    view: protectView,
  });
}

/** `reprotect --file reprotect.json [--id ID] [--wait] [--json-out report.json]` */
export async function reprotectCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  if (!flags.file) throw new UsageError('reprotect needs --file request.json (see examples/reprotect.json)');
  const input = readJsonFile(flags.file);
  const cluster = clusterReprotect(input, flags.id);
  if (cluster)
    return startOnce({
      ...(await common(ctx, flags)),
      ...cluster,
      workflowType: DatabaseWorkflows.ReprotectDatabase,
      view: reprotectView,
    });
  const checked = validateReprotectRequest(input);
  if (!checked.ok) throw new UsageError(`InvalidProtectionRequest: ${checked.error.field}: ${checked.error.reason}`);
  const req = checked.value;
  return startOnce({
    client: await ctx.client(),
    namespace: ctx.namespace,
    taskQueue: ctx.taskQueue,
    workflowType: DatabaseWorkflows.ReprotectDatabase,
    workflowId: flags.id ?? reprotectDefaultId(req),
    args: [req],
    summary: `Re-protect ${req.primary.dbInstanceIdentifier} (${req.primary.region}) into ${req.oldPrimary.dbInstanceIdentifier} (${req.oldPrimary.region})`,
    wait: flags.wait,
    ...(flags.jsonOut ? { jsonOut: flags.jsonOut } : {}),
    view: reprotectView,
  });
}

/** `unprotect --id PROTECT_WORKFLOW_ID [--wait]`: always followed to its end, which is short. */
export async function unprotectCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  const checked = validateUnprotectRequest({ protectWorkflowId: flags.id ?? flags.positionals[0] ?? '' });
  if (!checked.ok) throw new UsageError('unprotect needs --id PROTECT_WORKFLOW_ID (the protect run to undo)');
  const id = checked.value.protectWorkflowId;
  return startOnce({
    client: await ctx.client(),
    namespace: ctx.namespace,
    taskQueue: ctx.taskQueue,
    workflowType: DatabaseWorkflows.UnprotectDatabase,
    workflowId: `unprotect-${id}`,
    args: [checked.value],
    summary: `Unprotect ${id}: delete its replica, subnet group and group`,
    wait: true,
    ...(flags.jsonOut ? { jsonOut: flags.jsonOut } : {}),
    view: unprotectView,
  });
}
