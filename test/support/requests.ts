/** Small setup requests for tests that need a real setup but not the ABC Corp example. */
import type { AllowRule, PeeringRequest } from '../../src/domain/peering/types';

/**
 * us-east-1 (10.<octet>.0.0/16, one subnet in us-east-1a) ↔ eu-west-1 (10.<octet + 1>.0.0/16):
 * each test file picks its own octet, so its VPCs never overlap another file's.
 */
export function twoRegionRequest(name: string, octet: number, allow: AllowRule[]): PeeringRequest {
  return {
    requester: {
      region: 'us-east-1',
      cidrBlock: `10.${octet}.0.0/16`,
      name: `${name}-primary`,
      subnets: [{ cidrBlock: `10.${octet}.1.0/24`, availabilityZone: 'us-east-1a' }],
    },
    accepter: { region: 'eu-west-1', cidrBlock: `10.${octet + 1}.0.0/16`, name: `${name}-dr` },
    allow,
  };
}
