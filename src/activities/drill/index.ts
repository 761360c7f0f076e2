import type { AwsClients } from '../aws/clients';
import { createDriftRepairActivities } from './drift-repair';
import { createPeeringInspectionActivities } from './inspection';

/** A drill's inspection of the peering path, and the repair of what drifted. */
export function createDrillActivities(clients: AwsClients) {
  return {
    ...createPeeringInspectionActivities(clients),
    ...createDriftRepairActivities(clients),
  };
}
