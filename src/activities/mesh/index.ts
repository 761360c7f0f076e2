import type { AwsClients } from '../aws/clients';
import { createMeshInventoryActivities } from './inventory';
import { createMeshStateActivities } from './state';

/** A mesh's planning reads (its VPCs' state and quotas) and its inventory. */
export function createMeshActivities(clients: AwsClients) {
  return {
    ...createMeshStateActivities(clients),
    ...createMeshInventoryActivities(clients),
  };
}
