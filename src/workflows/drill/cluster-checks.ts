import { isCancellation, proxyActivities } from '@temporalio/workflow';
import type { ClusterFacts } from '../../domain/database/cluster-types';
import { DRILL_CHECKS, type DrillCheck, type DrillReport } from '../../domain/drill/types';
import type { ClusterPromotion } from '../../domain/failover/cluster-promotion';
import { reads } from '../database/calls';
import { PROMOTION, type Activities } from '../activity-options';
import { explain } from '../failures';

type At = (step: 'replication', what: string) => void;

/** Drill checks of an Aurora global database (never a change): its members, engine versions and lag. */
export const AURORA_DRILL_CHECKS = {
  members: 'aurora-global-members',
  engineVersions: 'aurora-engine-versions',
  switchover: 'aurora-drill-switchover',
} as const;

/**
 * Whether the global database could be failed over now, as ARC's plan evaluation would say: the
 * target is a connected secondary with an instance and a writer leads, every member runs one
 * engine version, and AuroraGlobalDBRPOLag is known (within `maxRpoSeconds` when set). Read-only.
 */
export async function checkClusterReadiness(cluster: ClusterPromotion, report: DrillReport, at: At): Promise<void> {
  const id = cluster.dbClusterIdentifier;
  at('replication', `reading ${id}'s global cluster, its members and AuroraGlobalDBRPOLag in ${cluster.region}`);
  const fail = (detail: string): DrillCheck[] =>
    [AURORA_DRILL_CHECKS.members, AURORA_DRILL_CHECKS.engineVersions, DRILL_CHECKS.replication].map((name) => ({
      name,
      ok: false,
      detail,
    }));
  try {
    const target = await reads.readCluster.executeWithOptions({ summary: `Read ${id}` }, [cluster]);
    const globalId = target?.globalClusterIdentifier;
    if (!target || !globalId) {
      report.checks.push(
        ...fail(`${id} in ${cluster.region} ${target ? 'is in no global cluster' : 'does not exist'}`),
      );
      return;
    }
    const global = await reads.readGlobalCluster.executeWithOptions({ summary: `Read global cluster ${globalId}` }, [
      { region: cluster.region, globalClusterIdentifier: globalId },
    ]);
    const members = global?.members ?? [];
    const writer = members.find((m) => m.writer);
    const own = members.find((m) => m.arn === target.arn);
    const membersOk =
      !!writer && !!own && !own.writer && own.synchronizationStatus === 'connected' && target.members.length > 0;
    report.checks.push({
      name: AURORA_DRILL_CHECKS.members,
      ok: membersOk,
      detail: `${globalId}: ${members.map((m) => `${m.dbClusterIdentifier} (${m.region}) ${m.writer ? 'writer' : (m.synchronizationStatus ?? 'reader')}`).join(', ') || 'no members'}; ${id} has ${target.members.length} instance(s)`,
    });
    const facts = await Promise.all(
      members.map((m) =>
        m.arn === target.arn
          ? Promise.resolve<ClusterFacts | null>(target)
          : reads.readCluster
              .executeWithOptions({ summary: `Read member ${m.dbClusterIdentifier}` }, [
                { region: m.region, dbClusterIdentifier: m.dbClusterIdentifier },
              ])
              .catch(() => null),
      ),
    );
    const versions = [...new Set([global?.engineVersion ?? '', ...facts.flatMap((f) => (f ? [f.engineVersion] : []))])];
    report.checks.push({
      name: AURORA_DRILL_CHECKS.engineVersions,
      ok: versions.length === 1 && facts.every((f) => f !== null),
      detail: `engine versions ${versions.join(', ')}${facts.some((f) => f === null) ? '; a member could not be read' : ''}`,
    });
    const lag = await reads.readClusterRpoLag.executeWithOptions({ summary: `Read ${id}'s AuroraGlobalDBRPOLag` }, [
      { region: cluster.region, dbClusterIdentifier: id },
    ]);
    const max = cluster.maxRpoSeconds;
    const known = lag.lagSeconds !== null;
    report.checks.push({
      name: DRILL_CHECKS.replication,
      ok: known && (max === undefined || lag.lagSeconds! <= max),
      detail: known
        ? `AuroraGlobalDBRPOLag ${lag.lagSeconds} s at ${lag.measuredAt ?? '?'}${max === undefined ? '' : ` (maxRpoSeconds ${max})`}`
        : 'no AuroraGlobalDBRPOLag datapoint in the last 15 minutes',
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    report.checks.push(...fail(`could not be read: ${explain(err)}`));
  }
}

const promotion = proxyActivities<Activities>(PROMOTION);
const secondsBetween = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 100) / 10;

/**
 * `aurora-drill-switchover`: a switchover to the drill global cluster's secondary and back to its
 * writer, timed. Never the production global database: a drill cluster in the same global cluster
 * as `production` is refused, and nothing moves.
 */
export async function rehearseSwitchover(
  drillCluster: { region: string; dbClusterIdentifier: string },
  production: ClusterPromotion | undefined,
  report: DrillReport,
  at: At,
): Promise<void> {
  const id = drillCluster.dbClusterIdentifier;
  const check = (ok: boolean, detail: string): void => {
    report.checks.push({ name: AURORA_DRILL_CHECKS.switchover, ok, detail });
  };
  at('replication', `switching the drill global database over to ${id} and back`);
  try {
    const target = await reads.readCluster.executeWithOptions({ summary: `Read the drill cluster ${id}` }, [
      drillCluster,
    ]);
    const globalId = target?.globalClusterIdentifier;
    if (!target || !globalId) return check(false, `${id} in ${drillCluster.region} is not in a global cluster`);
    const prod = production
      ? await reads.readCluster.executeWithOptions({ summary: `Read ${production.dbClusterIdentifier}` }, [production])
      : null;
    if (prod?.globalClusterIdentifier === globalId)
      return check(false, `${globalId} is the production global database: a drill never switches it; nothing moved`);
    const global = await reads.readGlobalCluster.executeWithOptions({ summary: `Read ${globalId}` }, [
      { region: drillCluster.region, globalClusterIdentifier: globalId },
    ]);
    const writer = global?.members.find((m) => m.writer);
    if (!writer || writer.arn === target.arn)
      return check(false, `${id} must be a secondary of ${globalId} with a writer elsewhere; nothing moved`);
    const move = (region: string, clusterId: string) =>
      promotion.moveGlobalWriter.executeWithOptions(
        { summary: `SwitchoverGlobalCluster ${globalId} → ${clusterId} (drill global database)` },
        [{ region, dbClusterIdentifier: clusterId, globalClusterIdentifier: globalId, mode: 'switchover' }],
      );
    const started = new Date();
    await move(drillCluster.region, id);
    const switched = new Date();
    await move(writer.region, writer.dbClusterIdentifier);
    check(
      true,
      `${globalId}: switched over to ${id} in ${secondsBetween(started, switched)} s and back to ${writer.dbClusterIdentifier} in ${secondsBetween(switched, new Date())} s`,
    );
  } catch (err) {
    if (isCancellation(err)) throw err;
    check(false, `the switchover rehearsal failed: ${explain(err)}`);
  }
}
