import type { Client } from '@temporalio/client';
import type { AwsClients } from './aws/clients';
import { toApplicationFailure } from './aws/errors';
import { DEFAULT_CONSISTENCY, type ConsistencyWindows } from './aws/waiting';
import { createCostActivities } from './cost';
import { createDatabaseActivities } from './database';
import { createDrillActivities } from './drill';
import { createEc2Activities, createSideParts } from './ec2';
import { createFailoverActivities } from './failover';
import { createHistoryActivities } from './history';
import { createMeshActivities } from './mesh';
import { createPeeringActivities } from './peering';

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
  const sideParts = createSideParts(deps.aws, windows);
  return withFailureConversion({
    ...createEc2Activities(deps.aws, windows, sideParts),
    ...createHistoryActivities(deps.temporal),
    ...createPeeringActivities(deps.aws, sideParts, deps.temporal),
    ...createMeshActivities(deps.aws),
    ...createDatabaseActivities(deps.aws, windows, deps.temporal),
    ...createFailoverActivities(deps.aws),
    ...createDrillActivities(deps.aws),
    ...createCostActivities(deps.aws),
  });
}

export type Activities = ReturnType<typeof createActivities>;
export { createAwsClients, type AwsClients, type CommandObserver } from './aws/clients';
export { DEFAULT_CONSISTENCY, type ConsistencyWindows } from './aws/waiting';
