/**
 * The APIs moto lacks that tests seed: Cost Explorer's forecast, Pricing and EC2's network
 * performance (and Route 53's health-check observations, which moto fakes as always healthy),
 * served by the fault proxy in AWS's own wire protocols so that the product's unchanged SDK
 * clients can call them. Each is a ProxyBehaviour with seeds a test sets (and
 * `clear()`s); they survive `setRules`, which only drops fault state. (RDS promotion and capacity,
 * also here, are timed rather than seeded; the server builds those itself.)
 */
import { type ProxyBehaviour } from '../fault-proxy/behaviour';
import { CostExplorerForecasts } from './cost-explorer';
import { NetworkPerformanceApi } from './network-performance';
import { PricingApi } from './pricing';
import { HealthCheckObservations } from './route53-health';

export { type ForecastSeed } from './cost-explorer';
export { type LatencyPoint } from './network-performance';
export { type TransferProduct } from './pricing';
export {
  CHECKER_FAILING,
  CHECKER_OK,
  CHECKERS,
  type HealthCheckObservation,
  type ObservationSeed,
} from './route53-health';

export interface FaithfulApis {
  costExplorer: CostExplorerForecasts;
  pricing: PricingApi;
  networkPerformance: NetworkPerformanceApi;
  /** GetHealthCheckStatus answers per health check (`observe(id, { failing: 3 })`). */
  healthChecks: HealthCheckObservations;
  behaviours: ProxyBehaviour[];
  /** Forgets every seed and recorded request. */
  clear(): void;
}

export function createFaithfulApis(): FaithfulApis {
  const costExplorer = new CostExplorerForecasts();
  const pricing = new PricingApi();
  const networkPerformance = new NetworkPerformanceApi();
  const healthChecks = new HealthCheckObservations();
  const behaviours = [costExplorer, pricing, networkPerformance, healthChecks];
  return {
    costExplorer,
    pricing,
    networkPerformance,
    healthChecks,
    behaviours,
    clear: () => behaviours.forEach((b) => b.clear()),
  };
}
