import { paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { paginateDescribeFlowLogs, type FlowLog } from '@aws-sdk/client-ec2';
import type { PortTraffic, ReadFlowTrafficResult } from '../../domain/cost/types';
import { addTraffic, canRead, peeringEgressPattern, sumPeeringTraffic } from '../../domain/cost/flow-log-records';
import type { AllowRule } from '../../domain/peering/types';
import { heartbeat } from '../activity-context';
import { accessOf, type SideAccess } from '../../domain/aws/access';
import type { AwsClients } from '../aws/clients';
import { collect } from '../ec2/helpers';
import { describePeering } from '../ec2/peering-connection';

/** FilterLogEvents pages read per report, over both sides; each page holds up to 10,000 records. */
export const MAX_LOG_PAGES = 100;

export interface ReadFlowTrafficInput {
  peeringConnectionId: string;
  requester: { region: string } & SideAccess;
  accepter: { region: string } & SideAccess;
  startMs: number;
  endMs: number;
  /** The setup's allowed rules: replies from an allowed port are counted for that port. */
  allow: AllowRule[];
}

/** A flow log the report can read: into CloudWatch Logs, with the v5 fields it needs. */
const readable = (f: FlowLog) =>
  f.LogDestinationType === 'cloud-watch-logs' && Boolean(f.LogGroupName) && canRead(f.LogFormat ?? '');

export function createFlowLogTrafficActivities(clients: AwsClients) {
  /**
   * The bytes each side sent over the peering, per port, from the flow logs of the two VPCs: the
   * setup's own (`flowLogs: true`) or any other flow log into CloudWatch Logs that records
   * traffic-path. Only egress over an inter-Region peering counts (FilterLogEvents keeps to it).
   */
  async function readPeeringFlowTraffic(input: ReadFlowTrafficInput): Promise<ReadFlowTrafficResult> {
    const pcx = await describePeering(
      clients.ec2(input.requester.region, accessOf(input.requester)),
      input.peeringConnectionId,
    );
    if (!pcx) return { traffic: null, pages: 0 };
    const sides = [
      { end: input.requester, to: input.accepter.region, vpcId: pcx.RequesterVpcInfo?.VpcId },
      { end: input.accepter, to: input.requester.region, vpcId: pcx.AccepterVpcInfo?.VpcId },
    ];
    let ports: PortTraffic[] = [];
    let records = 0;
    let pages = 0;
    const logGroups: string[] = [];
    const notes: string[] = [];
    let truncated = false;
    for (const side of sides) {
      if (!side.vpcId) continue;
      const ec2 = clients.ec2(side.end.region, accessOf(side.end));
      const flowLogs = await collect(
        paginateDescribeFlowLogs({ client: ec2 }, { Filter: [{ Name: 'resource-id', Values: [side.vpcId] }] }),
        (p) => p.FlowLogs,
      );
      const usable = flowLogs.filter((f) => f.ResourceId === side.vpcId && readable(f));
      if (!usable.length) notes.push(`${side.vpcId} (${side.end.region}) has no flow log with traffic-path`);
      const logs = clients.logs(side.end.region, accessOf(side.end));
      for (const flowLog of usable) {
        if (truncated) break;
        logGroups.push(`${side.end.region}:${flowLog.LogGroupName}`);
        const filter = {
          logGroupName: flowLog.LogGroupName,
          startTime: input.startMs,
          endTime: input.endMs - 1,
          filterPattern: peeringEgressPattern(flowLog.LogFormat!),
        };
        for await (const page of paginateFilterLogEvents({ client: logs }, filter)) {
          pages += 1;
          const messages = (page.events ?? []).map((e) => e.message ?? '');
          const sum = sumPeeringTraffic(
            [{ from: side.end.region, to: side.to, logFormat: flowLog.LogFormat!, messages }],
            input.allow,
          );
          ports = addTraffic(ports, sum.ports);
          records += sum.records;
          heartbeat({ pages, records });
          if (pages >= MAX_LOG_PAGES) {
            truncated = true;
            break;
          }
        }
      }
    }
    if (truncated) notes.push(`stopped after ${MAX_LOG_PAGES} pages of flow-log records; the bytes are a lower bound`);
    if (!logGroups.length) return { traffic: null, pages };
    return { traffic: { ports, logGroups, records, ...(notes.length ? { note: notes.join('; ') } : {}) }, pages };
  }

  return { readPeeringFlowTraffic };
}
