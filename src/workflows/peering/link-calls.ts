import { proxyActivities } from '@temporalio/workflow';
import { naclPlan, naclRuleSpan, securityGroupPlan } from '../../domain/peering/rules-plan';
import type { PeeringRequest } from '../../domain/peering/types';
import { COMPOSITE, EC2_CALL, LONG_WAIT, type Activities } from '../activity-options';
import { dnsOn, ROLES, type Role, type SetupContext, type SideVpcs } from './setup-calls';
import { type VpcState } from '../../domain/peering/types';

/** The activity calls that link the two VPCs: the peering (requested or adopted) and each side's rules. */
const ec2 = proxyActivities<Activities>(EC2_CALL);
const composite = proxyActivities<Activities>(COMPOSITE);
const waits = proxyActivities<Activities>(LONG_WAIT);

const peerOf = (role: Role): Role => (role === 'requester' ? 'accepter' : 'requester');

/**
 * What a side routes to and admits from on the other: every IPv4 CIDR of the VPC (secondary ones
 * too), and for an IPv6 setup its IPv6 blocks.
 */
export function sideCidrs(vpc: VpcState, ipv6: boolean | undefined): string[] {
  return [...(vpc.cidrBlocks ?? [vpc.cidrBlock]), ...(ipv6 ? (vpc.ipv6CidrBlocks ?? []) : [])];
}

/** Both sides' NACL plans: their rule numbers, from the base up, are what the peering records. */
function naclPlans(ctx: SetupContext, vpcs: SideVpcs) {
  const { req } = ctx;
  return ROLES.map((role) =>
    naclPlan(sideCidrs(vpcs[role], req.ipv6), sideCidrs(vpcs[peerOf(role)], req.ipv6), req.allow, ctx.naclBase),
  );
}

export function requestPeering(ctx: SetupContext, vpcs: SideVpcs) {
  const { req, naclBase } = ctx;
  const end = (role: Role) => ({
    region: vpcs[role].region,
    vpcId: vpcs[role].vpcId,
    ...ctx.access[role],
    ...(vpcs[role].ownerId ? { ownerId: vpcs[role].ownerId } : {}),
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

const regionOf = (ctx: SetupContext, role: Role) => ({ region: ctx.req[role].region, ...ctx.access[role] });

export function establishPeering(ctx: SetupContext, peering: string) {
  const { req } = ctx;
  return waits.establishPeering.executeWithOptions(
    { summary: `Accept ${peering} in ${req.accepter.region}, wait for active, enable DNS` },
    [
      {
        peeringConnectionId: peering,
        requester: regionOf(ctx, 'requester'),
        accepter: regionOf(ctx, 'accepter'),
        dnsResolution: dnsOn(req),
      },
    ],
  );
}

/** Read-only: the peering to adopt must be active between exactly the two given VPCs. */
export function checkAdoptedPeering(ctx: SetupContext, req: PeeringRequest & { peeringConnectionId: string }) {
  const end = (role: Role) => ({ ...regionOf(ctx, role), vpcId: req[role].vpcId! });
  return ec2.checkAdoptedPeering.executeWithOptions(
    {
      summary: `Check that ${req.peeringConnectionId} is active between ${req.requester.vpcId} and ${req.accepter.vpcId}`,
    },
    [
      {
        setupId: ctx.setupId,
        peeringConnectionId: req.peeringConnectionId,
        requester: end('requester'),
        accepter: end('accepter'),
      },
    ],
  );
}

/** `claim`: the side's VPC is one the run made, and ensureVpc left its table claims to this step. */
export function ensureSideRules(ctx: SetupContext, vpcs: SideVpcs, peering: string, role: Role, claim: boolean) {
  const { req, naclBase } = ctx;
  const own = vpcs[role];
  const ownCidrs = sideCidrs(own, req.ipv6);
  const peerCidrs = sideCidrs(vpcs[peerOf(role)], req.ipv6);
  return composite.ensureSideRules.executeWithOptions(
    { summary: `Routes, group peering-${peering}, NACL ${naclBase}+ in ${own.vpcId}` },
    [
      {
        ...regionOf(ctx, role),
        vpcId: own.vpcId,
        ...(own.routeTableIds ? { routeTableIds: own.routeTableIds } : {}),
        peerCidrBlock: vpcs[peerOf(role)].cidrBlock,
        peerCidrBlocks: peerCidrs,
        ...(own.ipv6CidrBlocks?.length ? { vpcHasIpv6: true } : {}),
        peeringConnectionId: peering,
        securityGroup: securityGroupPlan(ownCidrs, peerCidrs, req.allow),
        naclEntries: naclPlan(ownCidrs, peerCidrs, req.allow, naclBase),
        tags: ctx.tags,
        ...(claim ? { claimDefaultTables: true } : {}),
      },
    ],
  );
}
