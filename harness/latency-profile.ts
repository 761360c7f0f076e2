/**
 * A realistic AWS for the fault proxy: how long EC2 takes to answer, and a peering that stays
 * `provisioning` after its acceptance. moto answers in a millisecond or two; these are the delays
 * a user's run meets against the real regions.
 *
 * Per-call latency, drawn for every call from a log-normal distribution:
 * - Reads (Describe*, Get*, List*): median 64 ms, σ 0.55. Fitted to the cilium operator's
 *   `cilium_operator_ec2_api_duration_seconds` histogram for DescribeSecurityGroups, 187 calls from
 *   a production EKS cluster to its own region's EC2 endpoint, posted in DataDog/integrations-core
 *   issue #10143 (https://github.com/DataDog/integrations-core/issues/10143): 33% within 50 ms, 79%
 *   within 100 ms, 98% within 250 ms, all within 500 ms, mean 80 ms. The fit gives 33%, 79% and
 *   99% at those bounds.
 * - Writes (everything else): median 340 ms, σ 0.35. Fitted to the same dump's mutating EC2 calls:
 *   UnassignPrivateIpAddresses, 11 calls, none within 250 ms, 10 within 500 ms, all within 1 s;
 *   ModifyNetworkInterface, 6 calls, mean 340 ms. The fit gives 19% within 250 ms and 86% within
 *   500 ms.
 * - Plus the round trip between the caller's region and the endpoint's, when they differ: the
 *   worker and the bare script run in the primary region, so every eu-west-1 call crosses the
 *   Atlantic. Averages from "Latency Between AWS Global Regions" as tabulated in
 *   https://acomputerscientistlearnsaws.blogspot.com/2017/04/aws-regions.html: us-east-1 ↔
 *   eu-west-1 80.5 ms, us-west-2 ↔ eu-central-1 159.5 ms; other pairs 100 ms.
 *
 * `provisioning`: the VPC peering guide lists the state ("The VPC peering connection request has
 * been accepted, and will soon be in the active state", "VPC peering connection lifecycle") without
 * a duration; an inter-region peering spends a few seconds there, so 5 s here, for every peering.
 *
 * The data and the capacity (FAILOVER_TIMING, for the failover and protection benches): on AWS a
 * read replica's promotion and its creation take minutes (RDS User Guide, "Promoting a read replica
 * to be a standalone DB instance"), new instances of an Auto Scaling group are `Pending` until they
 * launch and pass their warm-up, ECS tasks are pending until placed and started, and a Route 53
 * change answers `PENDING` to GetChange until "the changes have propagated to all Route 53 DNS
 * servers managing the hosted zone" (Route 53 API Reference, "GetChange"), then `INSYNC`. Here each
 * is held for a fixed fraction of that, long enough that waiting on AWS is most of a failover, as
 * on AWS, and short enough for a bench. With `allServices`, every API's calls draw the same read
 * and write latencies as EC2's (no published per-call figures were found for RDS, Route 53, Auto
 * Scaling or ECS).
 */
import { type AwsCall } from './fault-proxy/call';
import { type CapacityTiming } from './faithful/capacity';
import { type PromotionTiming } from './faithful/rds-promotion';
import { type LayerTimingPatch } from './faithful/timing';
import { type FaultRule } from './fault-proxy/rules';
import { seededRandom } from './seeded-random';

export interface LogNormal {
  medianMs: number;
  sigma: number;
}

export const EC2_READ: LogNormal = { medianMs: 64, sigma: 0.55 };
export const EC2_WRITE: LogNormal = { medianMs: 340, sigma: 0.35 };
export const PROVISIONING_SECONDS = 5;

/** What AWS makes a failover (and a protection) wait for, held by the AWS-faithful layer. */
export interface FailoverTiming {
  promotion: PromotionTiming;
  capacity: CapacityTiming;
  layer: LayerTimingPatch;
  /** The hook for `recoveredWhen`: how long after the switch a target-region alarm returns to OK. */
  alarmRecoveryMs: number;
}

export const FAILOVER_TIMING: FailoverTiming = {
  promotion: { modifyingMs: 30_000, sourceLingersMs: 0 },
  capacity: { instanceWarmupMs: 20_000, taskWarmupMs: 15_000 },
  layer: { rds: { creatingMs: 30_000 }, route53: { insyncMs: 10_000 } },
  alarmRecoveryMs: 5_000,
};

const ROUND_TRIP_MS: Record<string, number> = {
  'eu-west-1 us-east-1': 80.5,
  'eu-central-1 us-west-2': 159.5,
};
const OTHER_PAIR_MS = 100;

export function roundTripMs(from: string, to: string | undefined): number {
  if (!to || to === from) return 0;
  return ROUND_TRIP_MS[[from, to].sort().join(' ')] ?? OTHER_PAIR_MS;
}

/** Query APIs name their reads Describe*, Get*, List*; a REST API's (Route 53) are its GETs. */
const isRead = (action: string) => /^(Describe|Get|List|GET )/.test(action);

export interface LatencyProfile {
  /** The delay before the proxy forwards `call` (the proxy's `latency` hook). */
  latencyMs(call: AwsCall): number;
  /** Rules to add to the proxy's: the `provisioning` window. */
  rules: FaultRule[];
  /** The delays drawn so far, for the report. */
  drawn: { reads: number[]; writes: number[] };
}

/** Seeded, so two runs of the bench draw the same delays in the same order. */
export function realisticAwsProfile(
  options: { homeRegion?: string; seed?: number; allServices?: boolean } = {},
): LatencyProfile {
  const home = options.homeRegion ?? 'us-east-1';
  const random = seededRandom(options.seed ?? 42);
  // Box–Muller: one standard normal from two uniforms (1 - u keeps the log finite).
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const draw = (d: LogNormal) => d.medianMs * Math.exp(d.sigma * normal());
  const drawn = { reads: [] as number[], writes: [] as number[] };
  return {
    drawn,
    rules: [{ id: 'realistic-provisioning', kind: 'peering-provisioning', seconds: PROVISIONING_SECONDS }],
    latencyMs(call) {
      const profiled = call.service === undefined || call.service === 'ec2' || options.allServices === true;
      if (!profiled) return roundTripMs(home, call.region);
      const read = isRead(call.action);
      const ms = draw(read ? EC2_READ : EC2_WRITE);
      (read ? drawn.reads : drawn.writes).push(ms);
      return ms + roundTripMs(home, call.region);
    },
  };
}
