import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  paginateDescribeLogGroups,
  type CloudWatchLogsClient,
  type LogGroup,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFlowLogsCommand,
  DeleteFlowLogsCommand,
  paginateDescribeFlowLogs,
  type EC2Client,
  type FlowLog,
} from '@aws-sdk/client-ec2';
import { SETUP_ID_TAG } from '../../domain/aws/tags';
import { accessOf, type SideAccess } from '../../domain/aws/access';
import type { AwsClients } from '../aws/clients';
import { collect, hasSetupTag, setupFilter, tagSpec } from './helpers';
import { isNamed, nonRetryable } from '../aws/errors';
import { type ResourceRef } from '../../domain/aws/resource-ref';
import { type SideRole } from '../../domain/peering/types';
import {
  FLOW_LOG_FORMAT,
  FLOW_LOG_GROUP_PREFIX,
  FLOW_LOG_RETENTION_DAYS,
  flowLogGroupName,
} from '../../domain/peering/flow-log-format';
import { FailureTypes } from '../../domain/failure-types';

export interface EnsureFlowLogsInput extends SideAccess {
  side: SideRole;
  region: string;
  vpcId: string;
  setupId: string;
  /** The role VPC Flow Logs assumes to deliver to CloudWatch Logs. */
  deliverLogsRoleArn: string;
  tags: Record<string, string>;
}

export interface EnsureFlowLogsOutput {
  logGroupName: string;
  flowLogId: string;
  created: ResourceRef[];
}

async function findLogGroup(logs: CloudWatchLogsClient, name: string): Promise<LogGroup | undefined> {
  const groups = await collect(
    paginateDescribeLogGroups({ client: logs }, { logGroupNamePrefix: name }),
    (p) => p.logGroups,
  );
  return groups.find((g) => g.logGroupName === name);
}

async function logGroupSetupId(logs: CloudWatchLogsClient, group: LogGroup): Promise<string | undefined> {
  const arn = group.logGroupArn ?? group.arn?.replace(/:\*$/, '');
  const out = await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
  return out.tags?.[SETUP_ID_TAG];
}

/** The flow logs of a VPC that carry the setup's tag. */
async function setupFlowLogs(ec2: EC2Client, setupId: string, vpcId?: string): Promise<FlowLog[]> {
  const filters = [setupFilter(setupId), ...(vpcId ? [{ Name: 'resource-id', Values: [vpcId] }] : [])];
  const found = await collect(paginateDescribeFlowLogs({ client: ec2 }, { Filter: filters }), (p) => p.FlowLogs);
  return found.filter((f) => hasSetupTag(f.Tags, setupId) && (!vpcId || f.ResourceId === vpcId));
}

/** The setup's flow logs and their log groups in one region, in deletion order, for teardown. */
export async function findFlowLogResources(
  ec2: EC2Client,
  logs: CloudWatchLogsClient,
  region: string,
  setupId: string,
): Promise<ResourceRef[]> {
  const prefix = flowLogGroupName(setupId, 'requester').replace(/requester$/, '');
  const [flowLogs, groups] = await Promise.all([
    setupFlowLogs(ec2, setupId),
    collect(paginateDescribeLogGroups({ client: logs }, { logGroupNamePrefix: prefix }), (p) => p.logGroups),
  ]);
  const ours: ResourceRef[] = [];
  for (const g of groups) {
    if (g.logGroupName?.startsWith(FLOW_LOG_GROUP_PREFIX) && (await logGroupSetupId(logs, g)) === setupId)
      ours.push({ type: 'log-group', region, id: g.logGroupName });
  }
  return [...flowLogs.map((f) => ({ type: 'flow-log' as const, region, id: f.FlowLogId! })), ...ours];
}

/** Deletes a flow log or its log group; false when it was already gone. */
export async function deleteFlowLogResource(
  ec2: EC2Client,
  logs: CloudWatchLogsClient,
  ref: ResourceRef,
): Promise<boolean> {
  if (ref.type === 'log-group') {
    try {
      await logs.send(new DeleteLogGroupCommand({ logGroupName: ref.id }));
      return true;
    } catch (err) {
      if (isNamed(err, 'ResourceNotFoundException')) return false;
      throw err;
    }
  }
  const out = await ec2.send(new DeleteFlowLogsCommand({ FlowLogIds: [ref.id] }));
  const failed = out.Unsuccessful?.[0]?.Error;
  if (!failed) return true;
  if (/NotFound/i.test(failed.Code ?? '')) return false;
  throw Object.assign(new Error(failed.Message ?? 'DeleteFlowLogs failed'), {
    name: failed.Code ?? 'DeleteFlowLogsFailed',
    $metadata: { httpStatusCode: 400 },
  });
}

export function createFlowLogActivities(clients: AwsClients) {
  /** The side's log group (tagged, a month's retention), then the VPC's flow log into it; each found first. */
  async function ensureFlowLogs(input: EnsureFlowLogsInput): Promise<EnsureFlowLogsOutput> {
    const ec2 = clients.ec2(input.region, accessOf(input));
    const logs = clients.logs(input.region, accessOf(input));
    const logGroupName = flowLogGroupName(input.setupId, input.side);
    const created: ResourceRef[] = [];

    const group = await findLogGroup(logs, logGroupName);
    if (group) {
      const owner = await logGroupSetupId(logs, group);
      if (owner !== input.setupId)
        throw nonRetryable(
          'LogGroupConflict',
          `log group ${logGroupName} exists without the tag ${SETUP_ID_TAG}=${input.setupId}; it is left alone`,
        );
    } else {
      await logs.send(new CreateLogGroupCommand({ logGroupName, tags: input.tags })).catch((err: unknown) => {
        if (!isNamed(err, 'ResourceAlreadyExistsException')) throw err;
      });
    }
    created.push({ type: 'log-group', region: input.region, id: logGroupName });
    if (group?.retentionInDays !== FLOW_LOG_RETENTION_DAYS)
      await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: FLOW_LOG_RETENTION_DAYS }));

    let flowLog = (await setupFlowLogs(ec2, input.setupId, input.vpcId))[0];
    if (!flowLog) {
      const out = await ec2.send(
        new CreateFlowLogsCommand({
          ResourceType: 'VPC',
          ResourceIds: [input.vpcId],
          TrafficType: 'ALL',
          LogDestinationType: 'cloud-watch-logs',
          LogGroupName: logGroupName,
          DeliverLogsPermissionArn: input.deliverLogsRoleArn,
          LogFormat: FLOW_LOG_FORMAT,
          MaxAggregationInterval: 60,
          TagSpecifications: tagSpec('vpc-flow-log', input.tags),
        }),
      );
      const refused = out.Unsuccessful?.[0]?.Error;
      if (refused) throw nonRetryable(refused.Code ?? 'CreateFlowLogsFailed', refused.Message ?? 'refused');
      flowLog = { FlowLogId: out.FlowLogIds?.[0] };
    }
    if (!flowLog.FlowLogId) throw nonRetryable(FailureTypes.CreateFlowLogsFailed, `no flow log id for ${input.vpcId}`);
    created.push({ type: 'flow-log', region: input.region, id: flowLog.FlowLogId });
    return { logGroupName, flowLogId: flowLog.FlowLogId, created };
  }

  return { ensureFlowLogs };
}
