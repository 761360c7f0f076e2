import { patched, proxyActivities } from '@temporalio/workflow';
import type { PeeringRequest } from '../../domain/peering/types';
import { flowLogsRoleFor } from '../../domain/peering/validate-flow-logs';
import { EC2_CALL, type Activities } from '../activity-options';
import type { Role, SetupContext, SideVpcs } from './setup-calls';

const ec2 = proxyActivities<Activities>(EC2_CALL);

/** The setup's flow-log stage is a command change; setups recorded before it replay without it. */
export const FLOW_LOGS_PATCH = 'setup-flow-logs';

/** `flowLogs: true`, on a run new enough to have the stage (patched() is only asked when it is). */
export function wantsFlowLogs(req: PeeringRequest): boolean {
  return req.flowLogs === true && patched(FLOW_LOGS_PATCH);
}

/** The side's VPC flow log (v5, with traffic-path) into a CloudWatch Logs group of its own. */
export function ensureSideFlowLogs(ctx: SetupContext, vpcs: SideVpcs, role: Role) {
  const s = ctx.req[role];
  return ec2.ensureFlowLogs.executeWithOptions(
    { summary: `Flow logs of ${vpcs[role].vpcId} into CloudWatch Logs (${s.region})` },
    [
      {
        side: role,
        region: s.region,
        ...ctx.access[role],
        vpcId: vpcs[role].vpcId,
        setupId: ctx.setupId,
        deliverLogsRoleArn: flowLogsRoleFor(ctx.req, role)!,
        tags: ctx.tags,
      },
    ],
  );
}
