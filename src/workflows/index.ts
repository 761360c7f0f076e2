export { SetupInterRegionPeering, progressQuery } from './setup-peering';
export { TeardownInterRegionPeering } from './teardown-peering';
export { FailoverToRegion, failoverProgressQuery, approveFailoverSignal, abortFailoverSignal } from './failover';
