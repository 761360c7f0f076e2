/**
 * The flow-log part of a setup request: `flowLogs` needs a delivery role for each side, and that
 * role must be in the side's own account, since VPC Flow Logs only takes a role of the account
 * that owns the flow log.
 */
import { accountOfRole } from '../aws/access';
import type { PeeringRequest } from './types';
import type { InvalidField } from '../validation';

export { roleArnSchema as iamRoleArnSchema } from '../validation';

/** The role each side's flow log is delivered with: its own, else the request's. */
export function flowLogsRoleFor(req: PeeringRequest, role: 'requester' | 'accepter'): string | undefined {
  return req[role].flowLogsRoleArn ?? req.flowLogsRoleArn;
}

export function flowLogsError(req: PeeringRequest): InvalidField | undefined {
  const roles = ['requester', 'accepter'] as const;
  if (!req.flowLogs) {
    if (req.flowLogsRoleArn) return { field: 'flowLogsRoleArn', reason: 'is only used with flowLogs: true' };
    const side = roles.find((r) => req[r].flowLogsRoleArn);
    return side ? { field: `${side}.flowLogsRoleArn`, reason: 'is only used with flowLogs: true' } : undefined;
  }
  for (const role of roles) {
    const delivery = flowLogsRoleFor(req, role);
    if (!delivery)
      return {
        field: req[role].roleArn ? `${role}.flowLogsRoleArn` : 'flowLogsRoleArn',
        reason: 'is needed with flowLogs: VPC Flow Logs assumes it to write to CloudWatch Logs',
      };
    const sideRole = req[role].roleArn;
    if (sideRole && accountOfRole(sideRole) !== accountOfRole(delivery))
      return {
        field: `${role}.flowLogsRoleArn`,
        reason: `must be a role in account ${accountOfRole(sideRole)}, the ${role}'s (${delivery} is not)`,
      };
  }
  return undefined;
}
