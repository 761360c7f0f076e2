import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { VpcState } from '../activities/vpc';
import { opt } from '../domain/objects';
import { naclPlan, securityGroupPlan } from '../domain/rules-plan';
import type { PeeringRequest } from '../domain/types';
import { naclRuleCount } from '../domain/validate-peering';
import { EC2_CALL, LONG_WAIT } from './profiles';

/** The activity calls of each setup stage, with the summaries the Web UI shows for them. */
type Activities = ReturnType<typeof createActivities>;
const ec2 = proxyActivities<Activities>(EC2_CALL);
const waits = proxyActivities<Activities>(LONG_WAIT);

export type Role = 'requester' | 'accepter';
export type SideVpcs = Record<Role, VpcState>;
export const ROLES = ['requester', 'accepter'] as const;

export interface SetupContext {
  req: PeeringRequest;
  setupId: string;
  tags: Record<string, string>;
  naclBase: number;
}

/** Reads the sides given by `vpcId`; a side to be created answers undefined. */
export function describeExistingVpc(ctx: SetupContext, role: Role): Promise<VpcState | undefined> {
  const s = ctx.req[role];
  if (!s.vpcId) return Promise.resolve(undefined);
  return ec2.describeExistingVpc.executeWithOptions({ summary: `Check ${role} ${s.vpcId} in ${s.region}` }, [
    {
      side: role,
      region: s.region,
      vpcId: s.vpcId,
      ...opt('roleArn', s.roleArn),
      ...opt('routeTableIds', s.routeTableIds),
    },
  ]);
}

export function ensureVpc(ctx: SetupContext, role: Role) {
  const s = ctx.req[role];
  return ec2.ensureVpc.executeWithOptions({ summary: `Create ${role} VPC ${s.cidrBlock} in ${s.region}` }, [
    {
      side: role,
      region: s.region,
      setupId: ctx.setupId,
      cidrBlock: s.cidrBlock!,
      tags: ctx.tags,
      ...opt('name', s.name),
      ...opt('subnets', s.subnets),
      ...opt('roleArn', s.roleArn),
    },
  ]);
}

export function requestPeering(ctx: SetupContext, vpcs: SideVpcs) {
  const { req, naclBase } = ctx;
  const end = (role: Role) => ({
    region: vpcs[role].region,
    vpcId: vpcs[role].vpcId,
    ...opt('roleArn', req[role].roleArn),
    ...opt('ownerId', vpcs[role].ownerId),
  });
  return ec2.requestPeering.executeWithOptions(
    {
      summary: `Request peering ${vpcs.requester.vpcId} (${req.requester.region}) → ${vpcs.accepter.vpcId} (${req.accepter.region})`,
    },
    [
      {
        setupId: ctx.setupId,
        requester: end('requester'),
        accepter: end('accepter'),
        tags: ctx.tags,
        naclRules: `${naclBase}-${naclBase + naclRuleCount(req.allow) - 1}`,
      },
    ],
  );
}

const regionOf = (req: PeeringRequest, role: Role) => ({
  region: req[role].region,
  ...opt('roleArn', req[role].roleArn),
});

export function establishPeering(ctx: SetupContext, peering: string) {
  const { req } = ctx;
  return waits.establishPeering.executeWithOptions(
    { summary: `Accept ${peering} in ${req.accepter.region}, wait for active, enable DNS` },
    [
      {
        peeringConnectionId: peering,
        requester: regionOf(req, 'requester'),
        accepter: regionOf(req, 'accepter'),
        dnsResolution: req.dnsResolution !== false,
      },
    ],
  );
}

export function ensureSideRules(ctx: SetupContext, vpcs: SideVpcs, peering: string, role: Role) {
  const { req, naclBase } = ctx;
  const own = vpcs[role];
  const peer = vpcs[role === 'requester' ? 'accepter' : 'requester'].cidrBlock;
  return ec2.ensureSideRules.executeWithOptions(
    { summary: `Routes, group peering-${peering}, NACL ${naclBase}+ in ${own.vpcId}` },
    [
      {
        ...regionOf(req, role),
        vpcId: own.vpcId,
        ...opt('routeTableIds', own.routeTableIds),
        peerCidrBlock: peer,
        peeringConnectionId: peering,
        securityGroup: securityGroupPlan(own.cidrBlock, peer, req.allow),
        naclEntries: naclPlan(own.cidrBlock, peer, req.allow, naclBase),
        tags: ctx.tags,
      },
    ],
  );
}

/** Everything tagged with the setup id, for a rollback that must also find what a lost response made. */
export function findSetupResources(ctx: SetupContext) {
  const { req, setupId } = ctx;
  return ec2.findSetupResources.executeWithOptions({ summary: `Find everything tagged with setup ${setupId}` }, [
    {
      setupId,
      requesterRegion: req.requester.region,
      accepterRegion: req.accepter.region,
      ...opt('requesterRoleArn', req.requester.roleArn),
      ...opt('accepterRoleArn', req.accepter.roleArn),
    },
  ]);
}
