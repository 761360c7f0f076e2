import type { Client } from '@temporalio/client';
import type { AwsClients } from '../aws/clients';
import type { ConsistencyWindows } from '../aws/waiting';
import { createClusterCreates } from './cluster-create';
import { createClusterReads } from './cluster-reads';
import { createClusterSnapshots } from './cluster-snapshot';
import { createClusterWaits } from './cluster-waits';
import { createProtectionCreates } from './create';
import { createProtectionInventory } from './inventory';
import { createNetworkReads } from './network';
import { createDatabaseReads } from './rds';
import { createProtectionRecords } from './records';
import { createProtectionRemoval } from './removal';
import { createReplicationActivities } from './replication';
import { createRetireActivities } from './retire';
import { createReplicaWaits } from './waits';

/**
 * Everything the database workflows call: reads of instances, networks and replication (the
 * failover's RPO reuses `readReplication`), the idempotent creates, the waits, retirement and removal.
 */
export function createDatabaseActivities(clients: AwsClients, windows: ConsistencyWindows, temporal?: Client) {
  return {
    ...createDatabaseReads(clients),
    ...createNetworkReads(clients),
    ...createReplicationActivities(clients),
    ...createProtectionInventory(clients),
    ...createProtectionCreates(clients, windows),
    ...createReplicaWaits(clients),
    ...createProtectionRemoval(clients),
    ...createRetireActivities(clients),
    ...createProtectionRecords(temporal),
    ...createClusterReads(clients),
    ...createClusterCreates(clients),
    ...createClusterWaits(clients),
    ...createClusterSnapshots(clients),
  };
}
