import {
  CopyDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  paginateDescribeDBClusterSnapshots,
} from '@aws-sdk/client-rds';
import type { ClusterProtectionReport } from '../../domain/database/cluster-types';
import { PROTECTION_ID_TAG } from '../../domain/database/types';
import type { AwsClients } from '../aws/clients';
import { isNamed } from '../aws/errors';
import { collect, toTags } from '../ec2/helpers';
import { ClusterErrors } from './cluster-reads';

/** `rds:unplanned-global-failover-<cluster>-<yyyy-mm-dd-hh-mm>` (Aurora user guide, "Using switchover or failover"). */
const PREFIX = 'rds:unplanned-global-failover-';

export interface KeepLostWritesInput {
  region: string;
  /** The old primary cluster, whose old volume Aurora snapshotted at the failover. */
  dbClusterIdentifier: string;
  protectionId: string;
  tags: Record<string, string>;
}

/** The manual copy's name: the system snapshot's, without `rds:`, so each failover keeps its own. */
export const lostWritesName = (systemId: string): string => `lost-writes-${systemId.slice(PREFIX.length)}`;

export function createClusterSnapshots(clients: AwsClients) {
  /**
   * Copies the newest `rds:unplanned-global-failover-…` system snapshot of the old primary to a
   * manual snapshot, so the writes the failover lost are kept (a system snapshot goes with the
   * cluster). Null when there is none (a planned switchover loses nothing). Idempotent: a copy of
   * that name is found first.
   */
  async function keepLostWrites(input: KeepLostWritesInput): Promise<ClusterProtectionReport['lostWritesSnapshot']> {
    const rds = clients.rds(input.region);
    const id = input.dbClusterIdentifier;
    const system = await collect(
      paginateDescribeDBClusterSnapshots({ client: rds }, { DBClusterIdentifier: id, SnapshotType: 'system' }),
      (p) => p.DBClusterSnapshots,
    );
    const newest = system
      .filter((s) => s.DBClusterSnapshotIdentifier?.startsWith(`${PREFIX}${id}-`))
      .sort((a, b) => (b.DBClusterSnapshotIdentifier ?? '').localeCompare(a.DBClusterSnapshotIdentifier ?? ''))[0];
    if (!newest?.DBClusterSnapshotIdentifier) return null;
    const from = newest.DBClusterSnapshotIdentifier;
    const target = lostWritesName(from);
    const kept = { dbClusterSnapshotIdentifier: target, region: input.region, copiedFrom: from };
    const exists = async () => {
      try {
        const out = await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: target }));
        return (out.DBClusterSnapshots ?? []).length > 0;
      } catch (err) {
        if (isNamed(err, 'DBClusterSnapshotNotFoundFault')) return false;
        throw err;
      }
    };
    if (await exists()) return kept;
    try {
      await rds.send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: from,
          TargetDBClusterSnapshotIdentifier: target,
          Tags: toTags({ ...input.tags, [PROTECTION_ID_TAG]: input.protectionId }),
        }),
      );
    } catch (err) {
      if (!isNamed(err, ClusterErrors.SnapshotExists)) throw err;
    }
    return kept;
  }

  return { keepLostWrites };
}
