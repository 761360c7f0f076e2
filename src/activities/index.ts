import type { Client } from '@temporalio/client';
import type { AwsClients } from './aws-clients';
import { createCleanupActivities } from './cleanup';
import { createDriftRepairActivities } from './drift-repair';
import { createInventoryActivities } from './inventory';
import { createMeshInventoryActivities } from './mesh-inventory';
import { createMeshLookupActivities } from './mesh-lookup';
import { createMeshStateActivities } from './mesh-state';
import { toApplicationFailure } from './errors';
import { createFailoverActivities } from './failover';
import { createNetworkAclActivities } from './network-acls';
import { createPeeringActivities } from './peering';
import { createPeeringInspectionActivities } from './peering-inspection';
import { createRouteActivities } from './routes';
import { createSecurityGroupActivities } from './security-groups';
import { createSetupLookupActivities } from './setup-lookup';
import { createSideRulesActivities } from './side-rules';
import { createVpcActivities } from './vpc';

export interface ActivityDeps {
  aws: AwsClients;
  /** Used only to read a setup's (or a mesh's) input back for teardown by its id. */
  temporal?: Client;
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
  const sideParts = {
    ...createRouteActivities(deps.aws),
    ...createSecurityGroupActivities(deps.aws),
    ...createNetworkAclActivities(deps.aws),
  };
  return withFailureConversion({
    ...createVpcActivities(deps.aws),
    ...createPeeringActivities(deps.aws),
    ...sideParts,
    ...createSideRulesActivities(sideParts),
    ...createInventoryActivities(deps.aws),
    ...createCleanupActivities(deps.aws),
    ...createSetupLookupActivities(deps.temporal),
    ...createFailoverActivities(deps.aws),
    ...createPeeringInspectionActivities(deps.aws),
    ...createDriftRepairActivities(deps.aws),
    ...createMeshStateActivities(deps.aws),
    ...createMeshInventoryActivities(deps.aws),
    ...createMeshLookupActivities(deps.temporal),
  });
}

export type Activities = ReturnType<typeof createActivities>;
export { createAwsClients, type AwsClients, type CommandObserver } from './aws-clients';
