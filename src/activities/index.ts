import type { Client } from '@temporalio/client';
import type { AwsClients } from './aws-clients';
import { createCleanupActivities } from './cleanup';
import { createCostExplorerActivities } from './cost-explorer';
import { createDriftRepairActivities } from './drift-repair';
import { createExistingVpcActivities } from './existing-vpc';
import { createInventoryActivities } from './inventory';
import { createMeshInventoryActivities } from './mesh-inventory';
import { createMeshLookupActivities } from './mesh-lookup';
import { createMeshStateActivities } from './mesh-state';
import { toApplicationFailure } from './errors';
import { createFailoverActivities } from './failover';
import { createFlowLogTrafficActivities } from './flow-log-traffic';
import { createFlowLogActivities } from './flow-logs';
import { createNetworkAclActivities } from './network-acls';
import { createNetworkPerformanceActivities } from './network-performance';
import { createPeeringActivities } from './peering';
import { createPeeringEndActivities } from './peering-ends';
import { createPeeringInspectionActivities } from './peering-inspection';
import { createPricingActivities } from './pricing';
import { createRouteActivities } from './routes';
import { createSecurityGroupActivities } from './security-groups';
import { createSetupConflictActivities } from './setup-conflict';
import { createSetupLookupActivities } from './setup-lookup';
import { createSideRulesActivities } from './side-rules';
import { createVpcActivities } from './vpc';
import { DEFAULT_CONSISTENCY, type ConsistencyWindows } from './waiting';

export interface ActivityDeps {
  aws: AwsClients;
  /** Reads setups (and meshes) back from their histories: for teardown by id, drills, and the one-network check. */
  temporal?: Client;
  /** How long to wait out AWS's eventual consistency. @default DEFAULT_CONSISTENCY */
  consistency?: Partial<ConsistencyWindows>;
}

/** Every activity converts AWS SDK errors at its boundary, once, into a typed ApplicationFailure. */
function withFailureConversion<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toApplicationFailure(err);
      }
    };
  }
  return wrapped as T;
}

export function createActivities(deps: ActivityDeps) {
  const windows: ConsistencyWindows = { ...DEFAULT_CONSISTENCY, ...deps.consistency };
  const sideParts = {
    ...createRouteActivities(deps.aws, windows),
    ...createSecurityGroupActivities(deps.aws, windows),
    ...createNetworkAclActivities(deps.aws, windows),
  };
  return withFailureConversion({
    ...createVpcActivities(deps.aws, windows),
    ...createExistingVpcActivities(deps.aws),
    ...createPeeringActivities(deps.aws, windows),
    ...createPeeringEndActivities(deps.aws),
    ...createSetupConflictActivities(deps.aws, deps.temporal),
    ...sideParts,
    ...createSideRulesActivities(sideParts),
    ...createInventoryActivities(deps.aws, deps.temporal),
    ...createCleanupActivities(deps.aws),
    ...createSetupLookupActivities(deps.temporal),
    ...createFailoverActivities(deps.aws),
    ...createPeeringInspectionActivities(deps.aws),
    ...createDriftRepairActivities(deps.aws),
    ...createMeshStateActivities(deps.aws),
    ...createMeshInventoryActivities(deps.aws),
    ...createMeshLookupActivities(deps.temporal),
    ...createFlowLogActivities(deps.aws),
    ...createFlowLogTrafficActivities(deps.aws),
    ...createCostExplorerActivities(deps.aws),
    ...createPricingActivities(deps.aws),
    ...createNetworkPerformanceActivities(deps.aws),
  });
}

export type Activities = ReturnType<typeof createActivities>;
export { createAwsClients, type AwsClients, type CommandObserver } from './aws-clients';
export { DEFAULT_CONSISTENCY, type ConsistencyWindows } from './waiting';
