import type { NaclEntrySpec, SgPlan } from '../domain/rules-plan';
import type { ResourceRef } from '../domain/types';
import { keepAlive } from './activity-context';
import { inStep } from './errors';
import type { createNetworkAclActivities } from './network-acls';
import type { createRouteActivities } from './routes';
import type { createSecurityGroupActivities } from './security-groups';

export interface SideRulesInput {
  region: string;
  roleArn?: string;
  vpcId: string;
  /** @default every route table of the VPC */
  routeTableIds?: string[];
  peerCidrBlock: string;
  peeringConnectionId: string;
  securityGroup: SgPlan;
  naclEntries: NaclEntrySpec[];
  tags: Record<string, string>;
}

export interface SideRulesOutput {
  routeTableIds: string[];
  securityGroupId: string;
  networkAclIds: string[];
  created: ResourceRef[];
}

type Parts = ReturnType<typeof createRouteActivities> &
  ReturnType<typeof createSecurityGroupActivities> &
  ReturnType<typeof createNetworkAclActivities>;

export function createSideRulesActivities(parts: Parts) {
  /**
   * One side's routes, `peering-<pcx>` security group and NACL entries, in that order, in one
   * activity: each part finds what an earlier attempt made, so a retry only adds what is missing.
   */
  async function ensureSideRules(input: SideRulesInput): Promise<SideRulesOutput> {
    return keepAlive(async (beat) => {
      const { region, peeringConnectionId } = input;
      const common = { region, peeringConnectionId, ...(input.roleArn ? { roleArn: input.roleArn } : {}) };
      const routes = await inStep(
        'routes',
        () =>
          parts.ensureRoutes({
            ...common,
            vpcId: input.vpcId,
            ...(input.routeTableIds ? { routeTableIds: input.routeTableIds } : {}),
            destinationCidrBlock: input.peerCidrBlock,
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
