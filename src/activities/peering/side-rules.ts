import { accessOf, type SideAccess } from '../../domain/aws/access';
import type { NaclEntrySpec, SgPlan } from '../../domain/peering/rules-plan';
import { keepAlive } from '../activity-context';
import { inStep } from '../aws/errors';
import type { SideParts } from '../ec2';
import { type ResourceRef } from '../../domain/aws/resource-ref';

export interface SideRulesInput extends SideAccess {
  region: string;
  vpcId: string;
  /** @default every route table of the VPC */
  routeTableIds?: string[];
  /** The peer's primary IPv4 CIDR (the only destination of inputs scheduled before `peerCidrBlocks`). */
  peerCidrBlock: string;
  /** Every destination the routes take: the peer's IPv4 CIDRs, and its IPv6 blocks for an IPv6 setup. */
  peerCidrBlocks?: string[];
  /** The side's VPC has an IPv6 block (a new group then starts with `::/0` egress too). */
  vpcHasIpv6?: boolean;
  peeringConnectionId: string;
  securityGroup: SgPlan;
  naclEntries: NaclEntrySpec[];
  tags: Record<string, string>;
  /**
   * The VPC is one this run made: its main route table and default ACL are claimed with `tags` when
   * still unclaimed (ensureVpc left a VPC it found again to this step, which reads them anyway).
   */
  claimDefaultTables?: boolean;
}

export interface SideRulesOutput {
  routeTableIds: string[];
  securityGroupId: string;
  networkAclIds: string[];
  created: ResourceRef[];
}

export function createSideRulesActivities(parts: SideParts) {
  /**
   * One side's routes, `peering-<pcx>` security group and NACL entries, in that order, in one
   * activity: each part finds what an earlier attempt made, so a retry only adds what is missing.
   */
  async function ensureSideRules(input: SideRulesInput): Promise<SideRulesOutput> {
    return keepAlive(async (beat) => {
      const { region, peeringConnectionId } = input;
      const common = {
        region,
        peeringConnectionId,
        ...accessOf(input),
        ...(input.claimDefaultTables ? { claim: input.tags } : {}),
      };
      const routes = await inStep(
        'routes',
        () =>
          parts.ensureRoutes({
            ...common,
            vpcId: input.vpcId,
            ...(input.routeTableIds ? { routeTableIds: input.routeTableIds } : {}),
            destinationCidrBlocks: input.peerCidrBlocks ?? [input.peerCidrBlock],
          }),
        beat,
      );
      const group = await inStep(
        'security-groups',
        () =>
          parts.ensurePeeringSecurityGroup({
            ...common,
            vpcId: input.vpcId,
            plan: input.securityGroup,
            tags: input.tags,
            ...(input.vpcHasIpv6 ? { vpcHasIpv6: true } : {}),
          }),
        beat,
      );
      const acls = await inStep(
        'network-acls',
        () => parts.ensureNaclEntries({ ...common, vpcId: input.vpcId, entries: input.naclEntries }),
        beat,
      );
      return {
        routeTableIds: routes.routeTableIds,
        securityGroupId: group.securityGroupId,
        networkAclIds: acls.networkAclIds,
        created: [...routes.created, ...group.created, ...acls.created],
      };
    });
  }
  return { ensureSideRules };
}
