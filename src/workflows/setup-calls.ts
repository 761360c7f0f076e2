import { patched, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { VpcState } from '../activities/vpc';
import { opt } from '../domain/objects';
import { naclPlan, naclRuleSpan, securityGroupPlan } from '../domain/rules-plan';
import type { PeeringRequest } from '../domain/types';
import { COMPOSITE, EC2_CALL, LONG_WAIT } from './profiles';

/** The activity calls of each setup stage, with the summaries the Web UI shows for them. */
type Activities = ReturnType<typeof createActivities>;
const ec2 = proxyActivities<Activities>(EC2_CALL);
const composite = proxyActivities<Activities>(COMPOSITE);
const waits = proxyActivities<Activities>(LONG_WAIT);

export type Role = 'requester' | 'accepter';
export type SideVpcs = Record<Role, VpcState>;
export const ROLES = ['requester', 'accepter'] as const;

/** Patch ids of the setup's command changes; runs recorded before a patch replay its old path. */
export const PATCHES = {
  /** A read-only check for another network under the same setup id, before any change. */
  oneNetwork: 'setup-one-network-check',
  /**
   * Both sides of a stage end before the stage fails, so rollback never races the other side. One
   * id per stage, each asked at one point only: a run already past the VPCs when this shipped gets
   * the new behaviour for its side rules, and still replays.
   */
  settleVpcs: 'setup-settle-vpcs-before-rollback',
  settleSideRules: 'setup-settle-side-rules-before-rollback',
} as const;

export interface SetupContext {
  req: PeeringRequest;
  setupId: string;
  tags: Record<string, string>;
  naclBase: number;
}

/**
 * Runs a stage's work for both sides at once and waits until both have ended: when one fails, the
 * other may still be creating subnets, groups or entries, and rollback must find those too.
 */
export async function bothSides<T>(patchId: string, fn: (role: Role) => Promise<T>): Promise<[T, T]> {
  if (!patched(patchId)) {
    const [a, b] = await Promise.all(ROLES.map(fn));
    return [a!, b!];
  }
  const [a, b] = await Promise.allSettled(ROLES.map(fn));
  if (a!.status === 'rejected') throw a!.reason;
  if (b!.status === 'rejected') throw b!.reason;
  return [a!.value, b!.value];
}

const dnsOn = (req: PeeringRequest) => req.dnsResolution !== false;

/** Reads the sides given by `vpcId`; a side to be created answers undefined. */
export function describeExistingVpc(ctx: SetupContext, role: Role): Promise<VpcState | undefined> {
  const s = ctx.req[role];
  if (!s.vpcId) return Promise.resolve(undefined);
  return ec2.describeExistingVpc.executeWithOptions({ summary: `Check ${role} ${s.vpcId} in ${s.region}` }, [
    {
      side: role,
      region: s.region,
      vpcId: s.vpcId,
      dnsResolution: dnsOn(ctx.req),
      ...opt('roleArn', s.roleArn),
      ...opt('routeTableIds', s.routeTableIds),
    },
  ]);
}

/** Fails with SetupConflict when the setup id already holds another network; changes nothing. */
export function checkSetupConflict(ctx: SetupContext, existing: Array<VpcState | undefined>) {
  const side = (role: Role, i: number) => {
    const s = ctx.req[role];
    return {
      region: s.region,
      cidrBlock: existing[i]?.cidrBlock ?? s.cidrBlock!,
      ...opt('vpcId', s.vpcId),
      ...opt('roleArn', s.roleArn),
    };
  };
  return composite.checkSetupConflict.executeWithOptions(
    { summary: `Check that setup ${ctx.setupId} holds no other network` },
    [{ setupId: ctx.setupId, requester: side('requester', 0), accepter: side('accepter', 1) }],
  );
}

export function ensureVpc(ctx: SetupContext, role: Role) {
  const s = ctx.req[role];
  return composite.ensureVpc.executeWithOptions({ summary: `Create ${role} VPC ${s.cidrBlock} in ${s.region}` }, [
    {
      side: role,
      region: s.region,
      setupId: ctx.setupId,
      cidrBlock: s.cidrBlock!,
      tags: ctx.tags,
      dnsResolution: dnsOn(ctx.req),
      ...opt('name', s.name),
      ...opt('subnets', s.subnets),
      ...opt('roleArn', s.roleArn),
    },
  ]);
}

const peerOf = (role: Role): Role => (role === 'requester' ? 'accepter' : 'requester');

/** Both sides' NACL plans: their rule numbers, from the base up, are what the peering records. */
function naclPlans(ctx: SetupContext, vpcs: SideVpcs) {
  return ROLES.map((role) => naclPlan(vpcs[role].cidrBlock, vpcs[peerOf(role)].cidrBlock, ctx.req.allow, ctx.naclBase));
}

export function requestPeering(ctx: SetupContext, vpcs: SideVpcs) {
  const { req, naclBase } = ctx;
  const end = (role: Role) => ({
    region: vpcs[role].region,
    vpcId: vpcs[role].vpcId,
    ...opt('roleArn', req[role].roleArn),
    ...opt('ownerId', vpcs[role].ownerId),
  });
  const span = naclRuleSpan(naclPlans(ctx, vpcs), naclBase);
  return composite.requestPeering.executeWithOptions(
    {
      summary: `Request peering ${vpcs.requester.vpcId} (${req.requester.region}) → ${vpcs.accepter.vpcId} (${req.accepter.region})`,
    },
    [
      {
        setupId: ctx.setupId,
        requester: end('requester'),
        accepter: end('accepter'),
        tags: ctx.tags,
        naclRules: `${span.first}-${span.last}`,
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
        dnsResolution: dnsOn(req),
      },
    ],
  );
}

export function ensureSideRules(ctx: SetupContext, vpcs: SideVpcs, peering: string, role: Role) {
  const { req, naclBase } = ctx;
  const own = vpcs[role];
  const peer = vpcs[peerOf(role)].cidrBlock;
  return composite.ensureSideRules.executeWithOptions(
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
  return composite.findSetupResources.executeWithOptions({ summary: `Find everything tagged with setup ${setupId}` }, [
    {
      setupId,
      requesterRegion: req.requester.region,
      accepterRegion: req.accepter.region,
      ...opt('requesterRoleArn', req.requester.roleArn),
      ...opt('accepterRoleArn', req.accepter.roleArn),
    },
  ]);
}
