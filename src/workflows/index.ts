export { SetupInterRegionPeering, progressQuery } from './setup-peering';
export { TeardownInterRegionPeering } from './teardown-peering';
export { DrDrill } from './dr-drill';
export { FailoverToRegion, failoverProgressQuery, approveFailoverSignal, abortFailoverSignal } from './failover';
export { SetupPeeringMesh, meshProgressQuery } from './setup-mesh';
export { PlanPeeringMesh } from './plan-mesh';
export { TeardownPeeringMesh } from './teardown-mesh';
export { PeeringCostReport } from './cost-report';
