/**
 * How hard the AWS-faithful layer leans on the code: how long AWS's eventual consistency lasts,
 * how small a page is, when a dead peering is purged, and the quotas. Two profiles: the suite's
 * (short lags, so that `npm test` stays well under 30 minutes) and the chaos run's (AWS-sized lags).
 */

import { CHAOS_TIMING, type LayerTiming, STACK_TIMING, SUITE_TIMING } from './timing';

/** Seconds, drawn uniformly per resource between the two bounds. */
export type Range = readonly [min: number, max: number];

/** AWS's default quotas (Amazon VPC user guide, "Amazon VPC quotas"). */
export interface Quotas {
  /** L-93826ACB, IPv4 and IPv6 counted apart. @default 50 */
  routesPerTable: number;
  /** L-2AEEBF1A, inbound and outbound counted apart, the default deny rule not counted. @default 20 */
  naclEntriesPerDirection: number;
  /** L-0EA8095F, inbound and outbound counted apart. @default 60 */
  rulesPerGroupDirection: number;
  /** L-7E9ECCDB, checked for both VPCs when a peering is accepted. @default 50 */
  activePeeringsPerVpc: number;
  /** L-DC9F7029, pending-acceptance requests from one VPC. @default 25 */
  outstandingRequestsPerVpc: number;
}

export interface FaithfulOptions {
  /**
   * How long a new VPC, subnet, security group or peering is missing from filtered and tag
   * Describes; a new peering is NotFound by id in the other region, and `initiating-request` in
   * its own, for as long.
   */
  lagSeconds: Range;
  /** How long after its creation a write naming a new security group or VPC answers NotFound. */
  writeLagSeconds: Range;
  /** Items per page of a paginated Describe. @default 2 */
  pageSize: number;
  /** How long a deleted or failed peering stays visible before it is purged (2 h on AWS). */
  purgeAfterSeconds: number;
  quotas: Quotas;
  /** How long RDS, Route 53 and global-cluster transitions last (timing.ts); the layer copies it. */
  timing: LayerTiming;
  /** Modules left out (by name, see FAITHFUL_MODULES), for a test that looks at one behaviour. */
  skip?: string[];
}

export const AWS_QUOTAS: Quotas = {
  routesPerTable: 50,
  naclEntriesPerDirection: 20,
  rulesPerGroupDirection: 60,
  activePeeringsPerVpc: 50,
  outstandingRequestsPerVpc: 25,
};

/** `npm test`: every behaviour on, with lags a tenth of AWS's so that the suite stays fast. */
export const SUITE_PROFILE: FaithfulOptions = {
  lagSeconds: [0.1, 0.5],
  writeLagSeconds: [0.1, 0.5],
  pageSize: 2,
  purgeAfterSeconds: 10,
  quotas: AWS_QUOTAS,
  timing: SUITE_TIMING,
};

/**
 * `npm run stack:up`: what outside tools meet at 127.0.0.1:5000 (CONTRACT "The local stack behaves
 * like AWS"): the consistency lag at most 0.5 s, each RDS transition within 5 s, INSYNC within 0.5 s.
 */
export const STACK_PROFILE: FaithfulOptions = {
  lagSeconds: [0.1, 0.5],
  writeLagSeconds: [0.1, 0.5],
  pageSize: 2,
  purgeAfterSeconds: 30,
  quotas: AWS_QUOTAS,
  timing: STACK_TIMING,
};

/** `npm run chaos`: lags of the size AWS shows. */
export const CHAOS_PROFILE: FaithfulOptions = {
  lagSeconds: [1, 5],
  writeLagSeconds: [0.5, 1.5],
  pageSize: 2,
  purgeAfterSeconds: 60,
  quotas: AWS_QUOTAS,
  timing: CHAOS_TIMING,
};

export const PROFILES = { suite: SUITE_PROFILE, stack: STACK_PROFILE, chaos: CHAOS_PROFILE } as const;
export type ProfileName = keyof typeof PROFILES;

/** "1-5" or "0.5" (seconds) as a Range. */
export function parseRange(text: string, what: string): Range {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*$/.exec(text);
  const min = Number(m?.[1]);
  const max = m?.[2] === undefined ? min : Number(m[2]);
  if (!m || max < min) throw new Error(`${what} must be seconds as "min-max" or "n", got "${text}"`);
  return [min, max];
}

export function sampleSeconds(range: Range, random: () => number): number {
  return range[0] + (range[1] - range[0]) * random();
}

/** Whether the environment asks for raw moto: `TEST_RAW_MOTO=1` (or `true`). */
export function rawMotoRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env.TEST_RAW_MOTO ?? '');
}

/**
 * The layer the suite runs behind, or undefined for raw moto. `TEST_RAW_MOTO=1` turns it off;
 * `TEST_FAITHFUL_LAG=min-max` (seconds) sets both lags.
 */
export function suiteFaithfulOptions(env: NodeJS.ProcessEnv = process.env): FaithfulOptions | undefined {
  if (rawMotoRequested(env)) return undefined;
  const lag = env.TEST_FAITHFUL_LAG ? parseRange(env.TEST_FAITHFUL_LAG, 'TEST_FAITHFUL_LAG') : undefined;
  return lag ? { ...SUITE_PROFILE, lagSeconds: lag, writeLagSeconds: lag } : SUITE_PROFILE;
}
