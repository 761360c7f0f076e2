import type { AwsClients } from '../aws/clients';
import { createCostExplorerActivities } from './cost-explorer';
import { createFlowLogTrafficActivities } from './flow-log-traffic';
import { createNetworkPerformanceActivities } from './network-performance';
import { createPricingActivities } from './pricing';

/** The link's cost and latency: Cost Explorer, the Pricing API, flow-log traffic, network performance. */
export function createCostActivities(clients: AwsClients) {
  return {
    ...createFlowLogTrafficActivities(clients),
    ...createCostExplorerActivities(clients),
    ...createPricingActivities(clients),
    ...createNetworkPerformanceActivities(clients),
  };
}
