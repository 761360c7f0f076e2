/**
 * FailoverToRegion for an Aurora global database: `promoteReplica: { region, dbClusterIdentifier,
 * maxRpoSeconds? }` names the secondary cluster to make the writer. The instance path never sees it:
 * the entry takes it out of the request (so that every instance check stays as it was) and the
 * cluster's own preflight and promotion run in its place. Pure: the shape, the RPO and the checks.
 */
import { z } from 'zod';
import type { GlobalClusterFacts, RpoLagReading } from '../database/cluster-types';
import { firstIssue, regionSchema, type InvalidField } from '../validation';
import type { FailoverRpo } from './rpo-types';

export interface ClusterPromotion {
  /** The target region: the secondary that becomes the writer is there. */
  region: string;
  dbClusterIdentifier: string;
  /** The most data (seconds of AuroraGlobalDBRPOLag) an unplanned failover may lose. */
  maxRpoSeconds?: number;
}

const schema = z.strictObject({
  region: regionSchema,
  dbClusterIdentifier: z.string().regex(/^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}$/, 'must be an Aurora cluster identifier'),
  maxRpoSeconds: z.number().int('must be whole seconds').min(0, 'must be 0 or more seconds').optional(),
});

/** The Aurora side of a run: what the request named, and what its preflight decided. */
export interface ClusterSide {
  cluster: ClusterPromotion;
  globalClusterIdentifier?: string;
  alreadyWriter?: boolean;
}

/** Whether the request's `promoteReplica` names a cluster. */
export function promotesCluster(request: unknown): boolean {
  const p = (request as { promoteReplica?: unknown } | null)?.promoteReplica;
  return !!p && typeof p === 'object' && 'dbClusterIdentifier' in p;
}

/** The cluster promotion, and the request without it (checked as before), or the field that is wrong. */
export function takeClusterPromotion<R extends { promoteReplica?: unknown }>(
  request: R,
): { ok: true; rest: Omit<R, 'promoteReplica'>; cluster: ClusterPromotion } | { ok: false; error: InvalidField } {
  const { promoteReplica, ...rest } = request;
  const parsed = schema.safeParse(promoteReplica);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    return { ok: false, error: { field: `promoteReplica.${issue.field}`, reason: issue.reason } };
  }
  const to = (rest as { to?: { region?: unknown }; drill?: unknown }).to?.region;
  if ((rest as { drill?: unknown }).drill !== true && typeof to === 'string' && parsed.data.region !== to)
    return {
      ok: false,
      error: {
        field: 'promoteReplica.region',
        reason: `is ${parsed.data.region}, but the cluster to make the writer must be in the target region ${to}`,
      },
    };
  return { ok: true, rest, cluster: parsed.data };
}

/** What the cluster's preflight read, in the target region (which answers when the source does not). */
export interface ClusterFailoverFacts {
  /** The target cluster's ARN and instances, or null when it does not exist. */
  target: { arn: string; status: string; instances: number; globalClusterIdentifier?: string } | null;
  global: GlobalClusterFacts | null;
  lag: RpoLagReading;
}

export interface ClusterDecision {
  found: string[];
  problems: string[];
  rpo: FailoverRpo;
  /** The target already writes (an earlier run of this failover): the promotion finds it done. */
  alreadyWriter: boolean;
  globalClusterIdentifier?: string;
}

/** The preflight's decision on the cluster: promotable, the RPO, and the maxRpoSeconds gate. */
export function decideCluster(
  cluster: ClusterPromotion,
  facts: ClusterFailoverFacts,
  opts: { planned: boolean; drill: boolean },
): ClusterDecision {
  const name = `cluster ${cluster.dbClusterIdentifier} in ${cluster.region}`;
  const out: ClusterDecision = {
    found: [],
    problems: [],
    rpo: { seconds: null, basis: 'unknown' },
    alreadyWriter: false,
  };
  const { target, global, lag } = facts;
  if (!target) return { ...out, problems: [`${name} does not exist`] };
  const globalId = target.globalClusterIdentifier;
  const member = global?.members.find((m) => m.arn === target.arn);
  if (!globalId || !global || !member)
    return {
      ...out,
      problems: [`${name} is in no global cluster: only a global database's secondary is failed over to`],
    };
  out.globalClusterIdentifier = globalId;
  if (member.writer && !global.failoverState) {
    out.alreadyWriter = true;
    out.found.push(`${name} already is the writer of ${globalId}; the promotion step will find it done`);
    return out;
  }
  if (!target.instances)
    out.problems.push(`${name} has no DB instance; Aurora cannot make a headless secondary the writer`);
  if (opts.planned) {
    out.rpo = { seconds: 0, basis: 'drained' };
    out.found.push(`${name} is a secondary of ${globalId}; a switchover loses no data`);
    return out;
  }
  out.rpo =
    lag.lagSeconds === null
      ? { seconds: null, basis: 'unknown' }
      : { seconds: lag.lagSeconds, basis: 'aurora-rpo-lag', ...(lag.measuredAt ? { measuredAt: lag.measuredAt } : {}) };
  const figure =
    lag.lagSeconds === null
      ? 'unknown (no AuroraGlobalDBRPOLag datapoint in the last 15 minutes)'
      : `${lag.lagSeconds} s`;
  out.found.push(`${name} is a secondary of ${globalId}; RPO ${figure}`);
  const max = cluster.maxRpoSeconds;
  if (opts.drill || max === undefined) return out;
  if (lag.lagSeconds === null)
    out.problems.push(
      `${name}'s RPO is ${figure}, and maxRpoSeconds ${max} needs a measured lag: nothing was failed over`,
    );
  else if (lag.lagSeconds > max)
    out.problems.push(
      `${name}'s AuroraGlobalDBRPOLag is ${lag.lagSeconds} s, above maxRpoSeconds ${max}: failing over now could lose ${lag.lagSeconds} s of writes`,
    );
  return out;
}
