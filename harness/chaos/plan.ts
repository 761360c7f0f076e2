/** What a chaos run asks for: realistic setup requests, and the AWS misbehaviour injected on the way. */
import type { PeeringRequest } from '../../src/domain/peering/types';
import { SETUP_EC2_WRITES, TEARDOWN_EC2_WRITES } from '../ec2-writes';
import type { FaultRule } from '../fault-proxy';

/** Region pairs the runs rotate through; the first is the ABC Corp example's. */
export const REGION_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['us-east-1', 'eu-west-1'],
  ['us-west-2', 'eu-central-1'],
];

/** EC2 calls that change something. Each one's first answer is lost, so every one meets the trap once. */
export const MUTATING_EC2_ACTIONS = [...SETUP_EC2_WRITES, ...TEARDOWN_EC2_WRITES] as const;

export interface FaultLevels {
  /** @default 0.2 */
  throttleRate?: number;
  /** @default 0.05 */
  loseRate?: number;
  /** Seconds a new peering stays invisible (NotFound) outside the region that created it. @default 8 */
  notFoundSeconds?: number;
  /** Seconds an accepted peering stays `provisioning`. @default 6 */
  provisioningSeconds?: number;
}

/**
 * Throttling and lost responses on every EC2 call at the given rates, one guaranteed lost answer
 * per mutating action, and for every peering a NotFound window in the accepter region after the
 * create plus a `provisioning` delay after the accept.
 */
export function chaosFaultRules(levels: FaultLevels = {}): FaultRule[] {
  const { throttleRate = 0.2, loseRate = 0.05, notFoundSeconds = 8, provisioningSeconds = 6 } = levels;
  return [
    { id: 'throttle', kind: 'throttle', service: 'ec2', rate: throttleRate },
    ...MUTATING_EC2_ACTIONS.map((action): FaultRule => ({
      id: `lose-first-${action}`,
      kind: 'lose-response',
      service: 'ec2',
      action,
      count: 1,
    })),
    { id: 'lose', kind: 'lose-response', service: 'ec2', rate: loseRate },
    { id: 'not-found-window', kind: 'peering-not-found', seconds: notFoundSeconds },
    { id: 'provisioning', kind: 'peering-provisioning', seconds: provisioningSeconds },
  ];
}

/** The k-th /20 inside 10.0.0.0/8: unique per side and run, like a real address plan. */
function block(k: number): { cidr: string; firstSubnet: string } {
  const second = Math.floor(k / 16) % 256;
  const third = (k % 16) * 16;
  return { cidr: `10.${second}.${third}.0/20`, firstSubnet: `10.${second}.${third}.0/24` };
}

/** Run `index` of a chaos run: odd runs also create a subnet on each side. */
export function chaosRequest(index: number, runTag: string): PeeringRequest {
  const [requesterRegion, accepterRegion] = REGION_PAIRS[index % REGION_PAIRS.length]!;
  const req = block(2 * index);
  const acc = block(2 * index + 1);
  const withSubnet = index % 2 === 1;
  return {
    requester: {
      region: requesterRegion,
      cidrBlock: req.cidr,
      name: `chaos-${index}-primary`,
      ...(withSubnet ? { subnets: [{ cidrBlock: req.firstSubnet, availabilityZone: `${requesterRegion}a` }] } : {}),
    },
    accepter: {
      region: accepterRegion,
      cidrBlock: acc.cidr,
      name: `chaos-${index}-dr`,
      ...(withSubnet ? { subnets: [{ cidrBlock: acc.firstSubnet, availabilityZone: `${accepterRegion}a` }] } : {}),
    },
    allow: [
      { protocol: 'tcp', fromPort: 5432, toPort: 5432, description: 'PostgreSQL replication' },
      { protocol: 'tcp', fromPort: 443, toPort: 443, description: 'HTTPS' },
    ],
    dnsResolution: true,
    tags: { Project: 'chaos', ChaosRun: runTag },
    onFailure: 'rollback',
  };
}
