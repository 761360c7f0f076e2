import {
  paginateDescribeSecurityGroups,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { Client } from '@temporalio/client';
import { accessOf, sameAccess, sideAccess, type SideAccess } from '../../domain/aws/access';
import { isPeeringDead } from '../../domain/aws/peering-states';
import { SIDE_TAG } from '../../domain/aws/tags';
import { activityInfo, keepAlive } from '../activity-context';
import type { AwsClients } from '../aws/clients';
import { collect, hasSetupTag, setupFilter, tagValue } from '../ec2/helpers';
import { nonRetryable } from '../aws/errors';
import { earlierRequests } from '../history/setup-lookup';
import { FailureTypes } from '../../domain/failure-types';
import { type SideRole } from '../../domain/peering/types';

/** One side as this run will build it: the VPC it creates (by CIDR) or the one it was given. */
export interface ConflictSide extends SideAccess {
  region: string;
  cidrBlock: string;
  vpcId?: string;
}

export interface SetupConflictInput {
  setupId: string;
  requester: ConflictSide;
  accepter: ConflictSide;
}

const ROLES: SideRole[] = ['requester', 'accepter'];

export function createSetupConflictActivities(clients: AwsClients, temporal: Client | undefined) {
  /** What this setup id holds in a region that differs from the side this run wants there. */
  async function vpcConflicts(input: SetupConflictInput, region: string, ec2: EC2Client): Promise<string[]> {
    const vpcs = await collect(
      paginateDescribeVpcs({ client: ec2 }, { Filters: [setupFilter(input.setupId)] }),
      (p) => p.Vpcs,
    );
    return vpcs
      .filter((v) => hasSetupTag(v.Tags, input.setupId))
      .flatMap((v) => {
        const side = tagValue(v.Tags, SIDE_TAG) as SideRole | undefined;
        if (!side || !ROLES.includes(side)) return [];
        const want = input[side];
        if (want.region !== region)
          return [`its ${side} VPC ${v.VpcId} (${v.CidrBlock}) is in ${region}, not ${want.region}`];
        if (want.vpcId && v.VpcId !== want.vpcId)
          return [`its ${side} VPC is ${v.VpcId} (${v.CidrBlock}), not ${want.vpcId}`];
        if (!want.vpcId && v.CidrBlock !== want.cidrBlock)
          return [`its ${side} VPC ${v.VpcId} has ${v.CidrBlock}, not ${want.cidrBlock}`];
        return [];
      });
  }

  async function peeringConflicts(input: SetupConflictInput, ec2: EC2Client): Promise<string[]> {
    const peerings = await collect(
      paginateDescribeVpcPeeringConnections({ client: ec2 }, { Filters: [setupFilter(input.setupId)] }),
      (p) => p.VpcPeeringConnections,
    );
    return peerings
      .filter((p) => hasSetupTag(p.Tags, input.setupId) && !isPeeringDead(p.Status?.Code))
      .flatMap((p) => {
        const got = {
          requester: {
            region: p.RequesterVpcInfo?.Region,
            vpcId: p.RequesterVpcInfo?.VpcId,
            cidr: p.RequesterVpcInfo?.CidrBlock,
          },
          accepter: {
            region: p.AccepterVpcInfo?.Region,
            vpcId: p.AccepterVpcInfo?.VpcId,
            cidr: p.AccepterVpcInfo?.CidrBlock,
          },
        };
        const differs = ROLES.filter((role) => {
          const want = input[role];
          const g = got[role];
          return (
            (g.region !== undefined && g.region !== want.region) ||
            (g.cidr !== undefined && g.cidr !== want.cidrBlock) ||
            (want.vpcId !== undefined && g.vpcId !== want.vpcId)
          );
        });
        if (!differs.length) return [];
        const show = (role: SideRole) => `${got[role].vpcId} ${got[role].cidr} in ${got[role].region}`;
        return [`its peering ${p.VpcPeeringConnectionId} joins ${show('requester')} and ${show('accepter')}`];
      });
  }

  /** Anything tagged with the setup id in a region this run does not use. */
  async function anythingIn(input: SetupConflictInput, region: string, access: SideAccess): Promise<string[]> {
    const ec2 = clients.ec2(region, access);
    const filters = { Filters: [setupFilter(input.setupId)] };
    const [vpcs, groups] = await Promise.all([
      collect(paginateDescribeVpcs({ client: ec2 }, filters), (p) => p.Vpcs),
      collect(paginateDescribeSecurityGroups({ client: ec2 }, filters), (p) => p.SecurityGroups),
    ]);
    const ids = [
      ...vpcs.filter((v) => hasSetupTag(v.Tags, input.setupId)).map((v) => v.VpcId!),
      ...groups.filter((g) => hasSetupTag(g.Tags, input.setupId)).map((g) => g.GroupId!),
    ];
    return ids.length ? [`an earlier run left ${ids.join(', ')} in ${region}`] : [];
  }

  /** Regions of this setup id's earlier runs that this run does not look at anyway. */
  async function earlierRegions(input: SetupConflictInput): Promise<Array<{ region: string; access: SideAccess }>> {
    if (!temporal) return [];
    const current = new Set(ROLES.map((r) => input[r].region));
    const out = new Map<string, SideAccess>();
    for (const request of await earlierRequests(temporal, input.setupId, activityInfo()?.workflowExecution?.runId)) {
      for (const role of ROLES) {
        const side = request[role];
        if (!current.has(side.region)) out.set(side.region, sideAccess(side, input.setupId));
      }
    }
    return [...out].map(([region, access]) => ({ region, access }));
  }

  /**
   * One setup id is one network. Before any change, looks for what this id already holds: its VPCs
   * in both regions, its peering, and anything left in the regions of its earlier runs. Whatever
   * differs from this run (other CIDRs, VPCs or regions) fails the run with SetupConflict, so it
   * neither writes rules for a CIDR the VPC does not have nor, rolling back, deletes the earlier
   * network. The same request again finds no difference and goes on to adopt its own work.
   */
  async function checkSetupConflict(input: SetupConflictInput): Promise<void> {
    await keepAlive(async () => {
      const req = clients.ec2(input.requester.region, accessOf(input.requester));
      const acc = clients.ec2(input.accepter.region, accessOf(input.accepter));
      // Within a region one call after the other, so the calls keep their order (the bench compares it).
      const inRequesterRegion = async () => [
        ...(await vpcConflicts(input, input.requester.region, req)),
        ...(await peeringConflicts(input, req)),
      ];
      // Both sides in one region and account: one search sees both sides' VPCs.
      const oneSearch = input.requester.region === input.accepter.region && sameAccess(input.requester, input.accepter);
      // Read before any search starts: a search that failed while this was awaited would be a
      // rejection nobody handles yet, which ends the worker's process.
      const earlier = await earlierRegions(input);
      const found = await Promise.all([
        inRequesterRegion(),
        oneSearch ? [] : vpcConflicts(input, input.accepter.region, acc),
        ...earlier.map((r) => anythingIn(input, r.region, r.access)),
      ]);
      const problems = found.flat();
      if (problems.length) {
        throw nonRetryable(
          FailureTypes.SetupConflict,
          `setup id ${input.setupId} already holds another network: ${problems.join('; ')}. Nothing was changed. Tear that network down first (teardown by its peering id), or run this request under another workflow id`,
          { problems },
        );
      }
    });
  }

  return { checkSetupConflict };
}
