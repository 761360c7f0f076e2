import { defineQuery, patched, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  namesCluster,
  type ClusterProtectionReport,
  type ClusterReprotectRequest,
} from '../../domain/database/cluster-types';
import { validateClusterReprotectRequest } from '../../domain/database/cluster-validate';
import { protectionTags, retiredName } from '../../domain/database/names';
import { planReprotect } from '../../domain/database/reprotect';
import {
  PROTECTION_ID_TAG,
  PROTECTION_PROGRESS_QUERY,
  type DatabaseFacts,
  type ProtectionProgress,
  type ProtectionReport,
  type ReprotectRequest,
} from '../../domain/database/types';
import {
  DEFAULT_LAG_TIMEOUT,
  DEFAULT_MAX_LAG_SECONDS,
  durationMs,
  validateReprotectRequest,
} from '../../domain/database/validate';
import { FailureTypes } from '../../domain/failure-types';
import { invalidInput } from '../failures';
import { changes, hold, reads, settles, stepper, waitUntilProtecting } from './calls';
import { reprotectCluster } from './reprotect-cluster';
import { protectionFailure } from './rollback';

export const reprotectProgressQuery = defineQuery<ProtectionProgress>(PROTECTION_PROGRESS_QUERY);

const retiredOf = (db: DatabaseFacts) => ({
  dbInstanceIdentifier: db.dbInstanceIdentifier,
  arn: db.arn,
  stopped: db.status === 'stopped',
});

/**
 * After a failover, once the old region answers again: protects the new primary the other way. The
 * old primary is renamed `<id>-retired-<yyyymmddhhmm>` (and stopped, when asked), never deleted; a
 * read replica of the primary takes its identifier, its subnet group, groups, parameter group,
 * class and key; then the run waits as ProtectDatabase does. When the old identifier already names
 * a replica of the primary, it changes nothing.
 */
export async function ReprotectDatabase(
  request: ReprotectRequest | ClusterReprotectRequest,
): Promise<ProtectionReport | ClusterProtectionReport> {
  // Aurora: a request naming clusters (before this patch refused as bad input, changing nothing).
  if (namesCluster(request) && patched('aurora-reprotect-cluster')) {
    const cluster = validateClusterReprotectRequest(request);
    if (!cluster.ok) throw invalidInput(FailureTypes.InvalidProtectionRequest, cluster.error);
    const progress: ProtectionProgress = { step: 'check', completed: [], created: [] };
    setHandler(reprotectProgressQuery, () => progress);
    return reprotectCluster(cluster.value, progress);
  }
  const checked = validateReprotectRequest(request);
  if (!checked.ok) throw invalidInput(FailureTypes.InvalidProtectionRequest, checked.error);
  const req = checked.value;
  const { workflowId: reprotectId, runStartTime } = workflowInfo();
  const old = req.oldPrimary;
  const progress: ProtectionProgress = { step: 'check', completed: [], created: [] };
  setHandler(reprotectProgressQuery, () => progress);
  const title = `Re-protect ${req.primary.dbInstanceIdentifier} (${req.primary.region}) → ${old.dbInstanceIdentifier} (${old.region})`;
  const at = stepper(progress, title, setCurrentDetails);
  at('check');

  const [primary, found, retiredBefore] = await Promise.all([
    reads.readDatabase.executeWithOptions({ summary: `Read the primary ${req.primary.dbInstanceIdentifier}` }, [
      req.primary,
    ]),
    reads.readDatabase.executeWithOptions({ summary: `Read the old primary ${old.dbInstanceIdentifier}` }, [old]),
    reads.findRetired.executeWithOptions({ summary: `Look for what this re-protection retired` }, [
      { ...old, retiredBy: reprotectId },
    ]),
  ]);
  const decided = planReprotect(req, primary, found, retiredBefore, reprotectId);
  if (!decided.ok) throw invalidInput(FailureTypes.InvalidProtectionRequest, decided.error);
  const plan = decided.value;
  const source = primary!;
  const replicaRef = { type: 'db-instance' as const, region: old.region, id: old.dbInstanceIdentifier };
  const held = plan.kind === 'in-place' && plan.replica.tags[PROTECTION_ID_TAG] === reprotectId ? [replicaRef] : [];
  held.forEach((ref) => hold(progress, ref));
  const stop = req.retire === 'rename-and-stop';
  const retiredId =
    plan.kind === 'replicate' ? plan.retired.dbInstanceIdentifier : retiredName(old.dbInstanceIdentifier, runStartTime);
  let retired = retiredBefore ? retiredOf(retiredBefore) : undefined;
  const lagTimeout = req.lagTimeout ?? DEFAULT_LAG_TIMEOUT;
  try {
    if (plan.kind === 'retire' || (plan.kind === 'replicate' && stop && !retired?.stopped)) {
      at('retire');
      retired = await settles.retireDatabase.executeWithOptions(
        { summary: `Retire ${old.dbInstanceIdentifier} as ${retiredId}${stop ? ', stopped' : ''}` },
        [{ ...old, retiredIdentifier: retiredId, retiredBy: reprotectId, stop }],
      );
    }
    if (plan.kind !== 'in-place') {
      at('replica');
      const made = await changes.ensureReadReplica.executeWithOptions(
        { summary: `Read replica ${old.dbInstanceIdentifier} in ${old.region} of ${source.arn}` },
        [
          {
            ...old,
            protectionId: reprotectId,
            sourceArn: source.arn,
            ...plan.settings,
            tags: protectionTags(reprotectId, req.tags),
          },
        ],
      );
      hold(progress, made.ref);
    }
    const gate = {
      maxLagSeconds: req.maxLagSeconds ?? DEFAULT_MAX_LAG_SECONDS,
      lagTimeout,
      lagTimeoutMs: durationMs(lagTimeout)!,
    };
    const { replication, lag } = await waitUntilProtecting(old, gate, progress, at);
    const replica = (await reads.readDatabase.executeWithOptions({ summary: `Read ${old.dbInstanceIdentifier}` }, [
      old,
    ]))!;
    at('done');
    return {
      source: { ...req.primary, arn: source.arn, engine: source.engine, port: source.port ?? replica.port ?? 0 },
      replica: {
        ...old,
        arn: replica.arn,
        endpoint: replica.endpoint ?? '',
        vpcId: replica.dbSubnetGroup?.vpcId ?? '',
        dbSubnetGroupName: replica.dbSubnetGroup?.name ?? '',
        securityGroupId: replica.securityGroupIds[0] ?? '',
        securityGroupIds: replica.securityGroupIds,
      },
      replicationStatus: replication.replicationStatus ?? replication.status,
      lagSeconds: lag.lagSeconds ?? null,
      ...(lag.measuredAt ? { lagMeasuredAt: lag.measuredAt } : {}),
      created: progress.created,
      ...(retired ? { retired } : {}),
    };
  } catch (err) {
    const creating = progress.step !== 'check' && progress.step !== 'retire';
    throw await protectionFailure(err, {
      protectionId: reprotectId,
      progress,
      replica: old,
      network: false,
      held,
      never: [req.primary, { region: old.region, dbInstanceIdentifier: retiredId }],
      searchNames: creating,
      ...(retired || progress.completed.includes('retire')
        ? { note: `${old.dbInstanceIdentifier} stays retired as ${retiredId}; it is never deleted.` }
        : plan.kind === 'retire' && progress.step === 'retire'
          ? { note: `${old.dbInstanceIdentifier} may be renamed ${retiredId} already; it is never deleted.` }
          : {}),
    });
  }
}
