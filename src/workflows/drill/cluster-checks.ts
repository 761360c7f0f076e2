import { isCancellation } from '@temporalio/workflow';
import type { ClusterFacts } from '../../domain/database/cluster-types';
import { DRILL_CHECKS, type DrillCheck, type DrillReport } from '../../domain/drill/types';
import type { ClusterPromotion } from '../../domain/failover/cluster-promotion';
import { reads } from '../database/calls';
import { explain } from '../failures';

type At = (step: 'replication', what: string) => void;

/** Drill checks of an Aurora global database (never a change): its members, engine versions and lag. */
export const AURORA_DRILL_CHECKS = {
  members: 'aurora-global-members',
  engineVersions: 'aurora-engine-versions',
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
