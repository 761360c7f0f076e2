import type { AwsClients } from './aws-clients';
import { createFailoverPreflightActivities } from './failover-preflight';
import { createRdsActivities } from './rds';
import { createRoute53Activities } from './route53';

/** Everything FailoverToRegion calls: Route 53, RDS, and the read-only peering preflight. */
export function createFailoverActivities(clients: AwsClients) {
  return {
    ...createFailoverPreflightActivities(clients),
    ...createRoute53Activities(clients),
    ...createRdsActivities(clients),
  };
}
