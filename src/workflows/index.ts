export { SetupInterRegionPeering, progressQuery } from './setup-peering';
export { TeardownInterRegionPeering } from './teardown-peering';
