/**
 * ReprotectDatabase's decisions on what AWS answered: whether the old primary is to be retired, was
 * retired already by this re-protection, or already replicates from the primary (nothing to do);
 * and the settings the new replica copies from it. Pure, so each refusal is unit-tested.
 */
import type { InvalidField } from '../validation';
import { REPLICATED_ENGINES } from './checks';
import { RETIRED_BY_TAG, type DatabaseFacts, type ReprotectRequest } from './types';

/** What the replica in the old region copies from the old primary (ARC's post-recovery block does the same). */
export interface ReplicaSettings {
  dbInstanceClass: string;
  dbSubnetGroupName?: string;
  vpcSecurityGroupIds: string[];
  dbParameterGroupName?: string;
  kmsKeyId?: string;
}

export type ReprotectPlan =
  /** The old identifier already names a replica of the primary: wait for it, change nothing. */
  | { kind: 'in-place'; replica: DatabaseFacts }
  /** Rename the old primary, then make the replica under its identifier. */
  | { kind: 'retire'; old: DatabaseFacts; settings: ReplicaSettings }
  /** This re-protection renamed it already (a retry, a second run): make the replica. */
  | { kind: 'replicate'; retired: DatabaseFacts; settings: ReplicaSettings };

type Decision = { ok: true; value: ReprotectPlan } | { ok: false; error: InvalidField };
const refuse = (field: string, reason: string): Decision => ({ ok: false, error: { field, reason } });

/** Whether `db` replicates from `primary` (RDS names a cross-region source by its ARN). */
export function replicatesFrom(db: DatabaseFacts, primary: DatabaseFacts): boolean {
  const source = db.source?.toLowerCase();
  return !!source && (source === primary.arn.toLowerCase() || source === primary.dbInstanceIdentifier.toLowerCase());
}

function settingsOf(old: DatabaseFacts, primary: DatabaseFacts): ReplicaSettings | string {
  if (primary.encrypted && !old.kmsKeyId)
    return `${old.dbInstanceIdentifier} has no KMS key, and a replica of the encrypted ${primary.dbInstanceIdentifier} needs one of ${old.region}`;
  return {
    dbInstanceClass: old.dbInstanceClass,
    ...(old.dbSubnetGroup ? { dbSubnetGroupName: old.dbSubnetGroup.name } : {}),
    vpcSecurityGroupIds: old.securityGroupIds,
    ...(old.parameterGroup ? { dbParameterGroupName: old.parameterGroup } : {}),
    ...(primary.encrypted && old.kmsKeyId ? { kmsKeyId: old.kmsKeyId } : {}),
  };
}

export function planReprotect(
  req: ReprotectRequest,
  primary: DatabaseFacts | null,
  old: DatabaseFacts | null,
  retired: DatabaseFacts | null,
  reprotectId: string,
): Decision {
  const p = req.primary;
  const o = req.oldPrimary;
  if (!primary)
    return refuse('primary.dbInstanceIdentifier', `no DB instance ${p.dbInstanceIdentifier} in ${p.region}`);
  if (primary.source)
    return refuse(
      'primary',
      `${p.dbInstanceIdentifier} is still a read replica of ${primary.source}; promote it first (FailoverToRegion)`,
    );
  if (primary.status !== 'available')
    return refuse('primary', `${p.dbInstanceIdentifier} is ${primary.status}; it must be available to be replicated`);
  if (!REPLICATED_ENGINES.includes(primary.engine))
    return refuse('primary', `${p.dbInstanceIdentifier} runs ${primary.engine}, which RDS does not replicate this way`);
  if (primary.backupRetentionPeriod <= 0)
    return refuse(
      'primary',
      `${p.dbInstanceIdentifier} has automated backups off (BackupRetentionPeriod 0); turn them on before re-protecting`,
    );
  if (old && replicatesFrom(old, primary)) return { ok: true, value: { kind: 'in-place', replica: old } };
  if (old?.source)
    return refuse(
      'oldPrimary',
      `${o.dbInstanceIdentifier} is a read replica of ${old.source}, not an old primary of ${p.dbInstanceIdentifier}`,
    );
  const from = old ?? retired;
  if (!from)
    return refuse(
      'oldPrimary.dbInstanceIdentifier',
      `no DB instance ${o.dbInstanceIdentifier} in ${o.region}, and none this re-protection retired`,
    );
  const settings = settingsOf(from, primary);
  if (typeof settings === 'string') return refuse('oldPrimary', settings);
  if (!old) return { ok: true, value: { kind: 'replicate', retired: from, settings } };
  if (retired)
    return refuse(
      'oldPrimary',
      `${o.dbInstanceIdentifier} exists again beside ${retired.dbInstanceIdentifier}, which this re-protection retired`,
    );
  // A rename this re-protection started (a retry after a lost answer or a lost worker) is waited for.
  const renaming = old.status === 'renaming' && old.tags[RETIRED_BY_TAG] === reprotectId;
  if (old.status !== 'available' && !renaming)
    return refuse('oldPrimary', `${o.dbInstanceIdentifier} is ${old.status}; it must be available to be renamed`);
  return { ok: true, value: { kind: 'retire', old, settings } };
}
