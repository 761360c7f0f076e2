import type { Client } from '@temporalio/client';
import type { PeeringRequest, TeardownRequest } from '../domain/peering/types';
import { validatePeeringRequest } from '../domain/peering/validate';
import { parseFlags, readJsonFile } from './args';
import { startAndFollow } from './follow';
import { setupDefaultId } from './default-ids';
import { startOnce } from './start-once';
import { setupViewFor, teardownView } from './progress-views';
import { UsageError } from './output';
import { SIDE_FLAGS, withSideFlags } from './side-flags';
import { PeeringWorkflows } from '../domain/peering/types';

export interface CommandContext {
  /** Connects on first use, so bad input is reported even when Temporal is unreachable. */
  client: () => Promise<Client>;
  namespace: string;
  taskQueue: string;
}

function shortId(): string {
  return Date.now().toString(36);
}

/**
 * `setup --file request.json [--requester-role ARN] [--accepter-role ARN] [--external-id ID]
 * [--route-table-tag K=V]… [--id ID] [--wait]`
 */
export async function setupCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv, SIDE_FLAGS, [], ['route-table-tag']);
  if (!flags.file) throw new UsageError('setup needs --file request.json (see examples/abc-corp.json)');
  const checked = validatePeeringRequest(withSideFlags(readJsonFile(flags.file), flags.values));
  if (!checked.ok) throw new UsageError(`InvalidPeeringRequest: ${checked.error.field}: ${checked.error.reason}`);
  const req: PeeringRequest = checked.value;
  const describe = (s: PeeringRequest['requester']) => `${s.vpcId ?? s.cidrBlock} (${s.region})`;
  // The same two sides give the same id: a second run finds the first one's network by its tag.
  return startOnce({
    client: await ctx.client(),
    namespace: ctx.namespace,
    taskQueue: ctx.taskQueue,
    workflowType: PeeringWorkflows.SetupInterRegionPeering,
    workflowId: flags.id ?? setupDefaultId(req),
    target: `A setup of ${describe(req.requester)} ↔ ${describe(req.accepter)}`,
    args: [req],
    summary: `Peer ${describe(req.requester)} ↔ ${describe(req.accepter)}`,
    wait: flags.wait,
    ...(flags.jsonOut ? { jsonOut: flags.jsonOut } : {}),
    view: setupViewFor(req.flowLogs),
  });
}

/** `teardown --setup-id ID | --file teardown.json | --peering pcx-… --requester-region R --accepter-region R` */
export async function teardownCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags(argv, ['setup-id', 'peering', 'requester-region', 'accepter-region']);
  const v = flags.values;
  let request: TeardownRequest;
  if (flags.file) request = readJsonFile(flags.file) as TeardownRequest;
  else if (typeof v['setup-id'] === 'string') request = { setupWorkflowId: v['setup-id'] };
  else if (
    typeof v.peering === 'string' &&
    typeof v['requester-region'] === 'string' &&
    typeof v['accepter-region'] === 'string'
  ) {
    request = {
      peeringConnectionId: v.peering,
      requesterRegion: v['requester-region'],
      accepterRegion: v['accepter-region'],
    };
  } else {
    throw new UsageError(
      'teardown needs --setup-id ID, --file teardown.json, or --peering pcx-… --requester-region R --accepter-region R',
    );
  }
  const target = 'setupWorkflowId' in request ? request.setupWorkflowId : request.peeringConnectionId;
  return startAndFollow({
    client: await ctx.client(),
    namespace: ctx.namespace,
    taskQueue: ctx.taskQueue,
    workflowType: PeeringWorkflows.TeardownInterRegionPeering,
    workflowId: flags.id ?? `teardown-${target}-${shortId()}`,
    args: [request],
    summary: `Tear down ${target}`,
    wait: flags.wait,
    ...(flags.jsonOut ? { jsonOut: flags.jsonOut } : {}),
    view: teardownView,
  });
}
