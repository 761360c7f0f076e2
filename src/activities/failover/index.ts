import type { AwsClients } from '../aws/clients';
import { createCapacityActivities } from './capacity';
import { createDrainActivities } from './drain';
import { createGlobalClusterActivities } from './global-cluster';
import { createHealthActivities } from './health';
import { createNotifyActivities } from './notify';
import { createFailoverPreflightActivities } from './preflight';
import { createRdsActivities } from './rds';
import { createRecordSwitchActivities } from './record-switch';
import { createRoute53Activities } from './route53';
import { createRoutingControlActivities } from './routing-control';

/**
 * Everything FailoverToRegion calls: Route 53 and its ARC data plane, RDS, Auto Scaling and ECS
 * capacity, the read-only peering preflight, and the application's health signals after the switch.
 */
export function createFailoverActivities(clients: AwsClients) {
  return {
    ...createFailoverPreflightActivities(clients),
    ...createRoute53Activities(clients),
    ...createRecordSwitchActivities(clients),
    ...createRoutingControlActivities(clients),
    ...createRdsActivities(clients),
    ...createCapacityActivities(clients),
    ...createHealthActivities(clients),
    ...createDrainActivities(clients),
    ...createNotifyActivities(clients),
    ...createGlobalClusterActivities(clients),
  };
}
