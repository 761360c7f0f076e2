import type { AwsClients } from '../aws/clients';
import type { ConsistencyWindows } from '../aws/waiting';
import { createFlowLogActivities } from './flow-logs';
import { createNetworkAclActivities } from './network-acls';
import { createPeeringConnectionActivities } from './peering-connection';
import { createPeeringEndActivities } from './peering-ends';
import { createRouteActivities } from './routes';
import { createSecurityGroupActivities } from './security-groups';
import { createVpcActivities } from './vpc';

/** A side's routes, group and NACL entries: each alone, and together in the peering's side rules. */
export function createSideParts(clients: AwsClients, windows: ConsistencyWindows) {
  return {
    ...createRouteActivities(clients, windows),
    ...createSecurityGroupActivities(clients, windows),
    ...createNetworkAclActivities(clients, windows),
  };
}

export type SideParts = ReturnType<typeof createSideParts>;

/** The EC2 resources a setup is made of: VPCs, the peering connection and its ends, side rules, flow logs. */
export function createEc2Activities(clients: AwsClients, windows: ConsistencyWindows, sideParts: SideParts) {
  return {
    ...createVpcActivities(clients, windows),
    ...createPeeringConnectionActivities(clients, windows),
    ...createPeeringEndActivities(clients),
    ...sideParts,
    ...createFlowLogActivities(clients),
  };
}
