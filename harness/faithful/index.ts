/**
 * The AWS-faithful layer: the behaviours of real AWS that moto 5.2.1 is kinder about, each in its
 * own module with its AWS source, run by the fault proxy in front of moto (see
 * fault-proxy-behaviour.ts). The whole suite, the chaos run and the bench's correctness check run
 * behind it; `TEST_RAW_MOTO=1` runs the suite against raw moto instead.
 *
 * RDS promotion and Auto Scaling / ECS capacity as AWS gives them (rds-promotion.ts, capacity.ts),
 * and the APIs moto lacks (apis.ts: Cost Explorer's forecast, Pricing, EC2 network performance)
 * belong to the layer too; the server runs those in every proxy, faithful or not, since tests tune
 * their timing or seed their answers on a proxy of their own.
 *
 * The data work's behaviours (RDS replicas and transitions, Route 53 batches and changes, CloudWatch
 * alarm states, Aurora global clusters) are timed by `FaithfulOptions.timing` (timing.ts), which the
 * proxy copies so that tests and `/__faults/timing` can change it while it runs.
 *
 * A new behaviour (an API moto lacks, served in AWS's wire protocol; a latency profile) is a module
 * exporting a ProxyBehaviour plus one entry below.
 * Order matters: refusals are asked in this order, and each module rewrites the answer of the one
 * before it (consistency drops what is not visible yet, the lifecycle shows each peering's state,
 * filters apply to what is left, and pagination comes last).
 */
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { Dependencies } from './dependencies';
import { DnsOptions } from './dns-options';
import { EventualConsistency } from './eventual-consistency';
import { type MotoReader } from './moto-reader';
import { type FaithfulOptions } from './options';
import { Pagination } from './pagination';
import { PeeringFilters } from './peering-filters';
import { PeeringLifecycle } from './peering-lifecycle';
import { VpcQuotas } from './quotas';
import { AlarmStates } from './cloudwatch-alarms';
import { GlobalClusters } from './global-clusters';
import { RdsLifecycle } from './rds-lifecycle';
import { RdsReplicas } from './rds-replica';
import { RdsReplicaDeletes } from './rds-replica-delete';
import { Route53Changes } from './route53-changes';
import { SecurityGroupBatches } from './sg-batches';
import { type LayerTiming } from './timing';

export { MotoReader } from './moto-reader';
export * from './options';
export * from './timing';
// The APIs moto lacks (Cost Explorer's forecast, Pricing, EC2 network performance), seeded by tests.
export * from './apis';

export interface FaithfulDeps {
  ctx: BehaviourContext;
  /** moto itself, for the checks AWS makes before it acts (dependencies, quotas, DNS attributes). */
  moto: MotoReader;
  options: FaithfulOptions;
  /** The proxy's live copy of `options.timing`, which tests and the control endpoint change. */
  timing: LayerTiming;
}

export interface FaithfulModule {
  name: string;
  make(deps: FaithfulDeps): ProxyBehaviour;
}

export const FAITHFUL_MODULES: readonly FaithfulModule[] = [
  { name: 'eventual-consistency', make: (d) => new EventualConsistency(d.ctx, d.options) },
  { name: 'peering-lifecycle', make: (d) => new PeeringLifecycle(d.ctx, d.moto, d.options) },
  { name: 'dns-options', make: (d) => new DnsOptions(d.ctx, d.moto) },
  { name: 'dependencies', make: (d) => new Dependencies(d.ctx, d.moto) },
  { name: 'sg-batches', make: (d) => new SecurityGroupBatches(d.ctx, d.moto, d.options.quotas) },
  { name: 'quotas', make: (d) => new VpcQuotas(d.ctx, d.moto, d.options.quotas) },
  { name: 'peering-filters', make: (d) => new PeeringFilters(d.ctx) },
  // After the server's RDS promotion: a replica's subnet group and StatusInfos, then its transitions.
  { name: 'rds-replicas', make: (d) => new RdsReplicas(d.ctx, d.moto) },
  { name: 'rds-replica-deletes', make: (d) => new RdsReplicaDeletes(d.ctx, d.moto) },
  { name: 'rds-lifecycle', make: (d) => new RdsLifecycle(d.ctx, d.moto, d.timing.rds) },
  { name: 'global-clusters', make: (d) => new GlobalClusters(d.ctx, d.moto, d.timing.globalCluster) },
  { name: 'route53-changes', make: (d) => new Route53Changes(d.ctx, d.moto, d.timing.route53) },
  { name: 'cloudwatch-alarms', make: (d) => new AlarmStates(d.ctx) },
  { name: 'pagination', make: (d) => new Pagination(d.ctx, d.options.pageSize) },
];

/** The layer's behaviours in pipeline order, without the modules `options.skip` names. */
export function faithfulBehaviours(deps: FaithfulDeps): ProxyBehaviour[] {
  const skip = new Set(deps.options.skip ?? []);
  const unknown = [...skip].filter((name) => !FAITHFUL_MODULES.some((m) => m.name === name));
  if (unknown.length) throw new Error(`unknown faithful module(s): ${unknown.join(', ')}`);
  return FAITHFUL_MODULES.filter((m) => !skip.has(m.name)).map((m) => m.make(deps));
}
