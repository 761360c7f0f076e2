/**
 * The Aurora shapes of `protect` and `reprotect` (README "Aurora Global Database"): a request that
 * names clusters is checked with the cluster rules, and its default workflow id comes from the
 * secondary (or the old primary) cluster, as an instance's comes from its replica.
 */
import { namesCluster, type ClusterProtectionReport } from '../domain/database/cluster-types';
import { validateClusterProtectionRequest, validateClusterReprotectRequest } from '../domain/database/cluster-validate';
import { UsageError } from './output';

export interface ClusterStart {
  workflowId: string;
  args: unknown[];
  summary: string;
}

const refuse = (e: { field: string; reason: string }) =>
  new UsageError(`InvalidProtectionRequest: ${e.field}: ${e.reason}`);

/** A protect request that names clusters, checked; undefined for an instance request. */
export function clusterProtect(input: unknown, id: string | undefined): ClusterStart | undefined {
  if (!namesCluster(input)) return undefined;
  const checked = validateClusterProtectionRequest(input);
  if (!checked.ok) throw refuse(checked.error);
  const { source, replica } = checked.value;
  return {
    workflowId: id ?? `protect-${replica.region}-${replica.dbClusterIdentifier}`,
    args: [checked.value],
    summary: `Protect cluster ${source.dbClusterIdentifier} (${source.region}) with a global secondary ${replica.dbClusterIdentifier} (${replica.region})`,
  };
}

/** A reprotect request that names clusters, checked; undefined for an instance request. */
export function clusterReprotect(input: unknown, id: string | undefined): ClusterStart | undefined {
  if (!namesCluster(input)) return undefined;
  const checked = validateClusterReprotectRequest(input);
  if (!checked.ok) throw refuse(checked.error);
  const { primary, oldPrimary } = checked.value;
  return {
    workflowId: id ?? `reprotect-${oldPrimary.region}-${oldPrimary.dbClusterIdentifier}`,
    args: [checked.value],
    summary: `Re-protect cluster ${primary.dbClusterIdentifier} (${primary.region}) into ${oldPrimary.dbClusterIdentifier} (${oldPrimary.region})`,
  };
}

/** One line for a cluster's report; undefined for an instance's. */
export function clusterSummary(result: unknown): string | undefined {
  const r = result as ClusterProtectionReport;
  if (!r?.replica || !('dbClusterIdentifier' in r.replica)) return undefined;
  const kept = r.lostWritesSnapshot ? `; lost writes kept in ${r.lostWritesSnapshot.dbClusterSnapshotIdentifier}` : '';
  return `${r.replica.dbClusterIdentifier} (${r.replica.region}) is a ${r.replicationStatus} secondary of ${r.globalClusterIdentifier}, led by ${r.source.dbClusterIdentifier} (${r.source.region}): AuroraGlobalDBRPOLag ${r.lagSeconds ?? '-'} s${kept}`;
}
