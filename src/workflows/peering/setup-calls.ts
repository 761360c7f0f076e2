import { patched, proxyActivities } from '@temporalio/workflow';
import type { SideAccess } from '../../domain/aws/access';
import { opt } from '../../domain/objects';
import type { PeeringRequest } from '../../domain/peering/types';
import { COMPOSITE, EC2_CALL, type Activities } from '../activity-options';
import { type VpcState } from '../../domain/peering/types';

/** The activity calls of the setup's VPC stage and its inventory, with their Web UI summaries. */
const ec2 = proxyActivities<Activities>(EC2_CALL);
const composite = proxyActivities<Activities>(COMPOSITE);

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
  /**
   * A VPC of the setup's that ensureVpc finds again (a re-run, a retry) is not read for its table
   * claims there: the side rules, which read its route tables and ACLs anyway, claim what is still
   * unclaimed. Asked once, before the VPCs, so both activities of a run agree.
   */
  claimInSideRules: 'setup-claim-tables-in-side-rules',
} as const;

export interface SetupContext {
  req: PeeringRequest;
  setupId: string;
  tags: Record<string, string>;
  naclBase: number;
  /** How each side's calls reach its account: its role, external ID and this setup's session name. */
  access: Record<Role, SideAccess>;
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

/** Remote DNS resolution is the setup's to turn on, unless it adopted someone else's peering. */
export const dnsOn = (req: PeeringRequest) => req.dnsResolution !== false && !req.peeringConnectionId;

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
      ...ctx.access[role],
      ...opt('routeTableIds', s.routeTableIds),
      ...opt('routeTableTags', s.routeTableTags),
      ...(ctx.req.ipv6 ? { ipv6: true } : {}),
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
      ...ctx.access[role],
    };
  };
  return composite.checkSetupConflict.executeWithOptions(
    { summary: `Check that setup ${ctx.setupId} holds no other network` },
    [{ setupId: ctx.setupId, requester: side('requester', 0), accepter: side('accepter', 1) }],
  );
}

export function ensureVpc(ctx: SetupContext, role: Role, claimInSideRules: boolean) {
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
      ...ctx.access[role],
      ...(ctx.req.ipv6 ? { ipv6: true } : {}),
      ...(claimInSideRules ? { tablesClaimedBySideRules: true } : {}),
    },
  ]);
}

/** Everything tagged with the setup id, for a rollback that must also find what a lost response made. */
export function findSetupResources(ctx: SetupContext) {
  const { req, setupId, access } = ctx;
  return composite.findSetupResources.executeWithOptions({ summary: `Find everything tagged with setup ${setupId}` }, [
    {
      setupId,
      requesterRegion: req.requester.region,
      accepterRegion: req.accepter.region,
      ...opt('requesterRoleArn', access.requester.roleArn),
      ...opt('accepterRoleArn', access.accepter.roleArn),
      ...opt('requesterExternalId', access.requester.externalId),
      ...opt('accepterExternalId', access.accepter.externalId),
      ...opt('roleSessionName', access.requester.roleSessionName ?? access.accepter.roleSessionName),
      ...opt('adoptedPeeringId', req.peeringConnectionId),
    },
  ]);
}
