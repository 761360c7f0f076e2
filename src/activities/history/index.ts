import type { Client } from '@temporalio/client';
import { createMeshLookupActivities } from './mesh-lookup';
import { createSetupLookupActivities } from './setup-lookup';

/** Setups and meshes read back from their own histories in Temporal. */
export function createHistoryActivities(temporal: Client | undefined) {
  return {
    ...createSetupLookupActivities(temporal),
    ...createMeshLookupActivities(temporal),
  };
}
