import type { Client } from '@temporalio/client';
import type { AwsClients } from '../aws/clients';
import type { SideParts } from '../ec2';
import { createCleanupActivities } from './cleanup';
import { createExistingVpcActivities } from './existing-vpc';
import { createInventoryActivities } from './inventory';
import { createSetupConflictActivities } from './setup-conflict';
import { createSideRulesActivities } from './side-rules';

/** A setup's checks, side rules, inventory and removal, built on the EC2 parts. */
export function createPeeringActivities(clients: AwsClients, sideParts: SideParts, temporal: Client | undefined) {
  return {
    ...createExistingVpcActivities(clients),
    ...createSetupConflictActivities(clients, temporal),
    ...createSideRulesActivities(sideParts),
    ...createInventoryActivities(clients, temporal),
    ...createCleanupActivities(clients),
  };
}
