export { SetupInterRegionPeering, progressQuery } from './peering/setup-inter-region-peering';
export { TeardownInterRegionPeering } from './peering/teardown-inter-region-peering';
export { DrDrill } from './drill/dr-drill';
export {
  FailoverToRegion,
  failoverProgressQuery,
  approveFailoverSignal,
  abortFailoverSignal,
} from './failover/failover-to-region';
export { SetupPeeringMesh, meshProgressQuery } from './mesh/setup-peering-mesh';
export { PlanPeeringMesh } from './mesh/plan-peering-mesh';
export { TeardownPeeringMesh } from './mesh/teardown-peering-mesh';
export { PeeringCostReport } from './cost/peering-cost-report';
export { ProtectDatabase, protectionProgressQuery } from './database/protect-database';
export { UnprotectDatabase } from './database/unprotect-database';
export { ReprotectDatabase, reprotectProgressQuery } from './database/reprotect-database';
