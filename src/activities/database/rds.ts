import {
  DescribeDBInstancesCommand,
  ListTagsForResourceCommand,
  paginateDescribeDBInstances,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { DatabaseFacts, DbInstanceRef } from '../../domain/database/types';
import { isRetiredNameOf } from '../../domain/database/names';
import { RETIRED_BY_TAG } from '../../domain/database/types';
import type { AwsClients } from '../aws/clients';
import { AwsErrors, isNamed } from '../aws/errors';
import { collect } from '../ec2/helpers';

/** StatusInfos' `read replication` status (DBInstance reference: "StatusType… currently 'read replication'"). */
export const replicationStatusOf = (db: DBInstance): string | undefined =>
  db.StatusInfos?.find((s) => s.StatusType === 'read replication')?.Status;

export const tagsOf = (list: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> =>
  Object.fromEntries((list ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));

/** The instance, or undefined for DBInstanceNotFound. */
export async function describeInstance(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  try {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return out.DBInstances?.find((db) => db.DBInstanceIdentifier?.toLowerCase() === id.toLowerCase());
  } catch (err) {
    if (isNamed(err, AwsErrors.DBInstanceNotFound)) return undefined;
    throw err;
  }
}

/**
 * The instance's tags: DescribeDBInstances lists them (TagList), and ListTagsForResource is asked
 * only when it did not, so an answer without them never reads as "untagged".
 */
export async function instanceTags(rds: RDSClient, db: DBInstance): Promise<Record<string, string>> {
  if (db.TagList) return tagsOf(db.TagList);
  if (!db.DBInstanceArn) return {};
  return tagsOf((await rds.send(new ListTagsForResourceCommand({ ResourceName: db.DBInstanceArn }))).TagList);
}

export function factsOf(region: string, db: DBInstance, tags: Record<string, string>): DatabaseFacts {
  const group = db.DBSubnetGroup;
  const replication = replicationStatusOf(db);
  const port = db.Endpoint?.Port ?? db.DbInstancePort;
  return {
    region,
    dbInstanceIdentifier: db.DBInstanceIdentifier ?? '',
    arn: db.DBInstanceArn ?? '',
    status: db.DBInstanceStatus ?? 'unknown',
    engine: db.Engine ?? 'unknown',
    ...(port ? { port } : {}),
    ...(db.Endpoint?.Address ? { endpoint: db.Endpoint.Address } : {}),
    dbInstanceClass: db.DBInstanceClass ?? '',
    backupRetentionPeriod: db.BackupRetentionPeriod ?? 0,
    encrypted: db.StorageEncrypted === true,
    ...(db.KmsKeyId ? { kmsKeyId: db.KmsKeyId } : {}),
    ...(db.ReadReplicaSourceDBInstanceIdentifier ? { source: db.ReadReplicaSourceDBInstanceIdentifier } : {}),
    ...(replication ? { replicationStatus: replication } : {}),
    ...(group?.DBSubnetGroupName
      ? {
          dbSubnetGroup: {
            name: group.DBSubnetGroupName,
            vpcId: group.VpcId ?? '',
            subnetIds: (group.Subnets ?? []).map((s) => s.SubnetIdentifier ?? '').filter(Boolean),
          },
        }
      : {}),
    securityGroupIds: (db.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '').filter(Boolean),
    ...(db.DBParameterGroups?.[0]?.DBParameterGroupName
      ? { parameterGroup: db.DBParameterGroups[0].DBParameterGroupName }
      : {}),
    tags,
  };
}

export function createDatabaseReads(clients: AwsClients) {
  /** An instance as the checks and reports need it; null when there is none. Read-only. */
  async function readDatabase(ref: DbInstanceRef): Promise<DatabaseFacts | null> {
    const rds = clients.rds(ref.region);
    const db = await describeInstance(rds, ref.dbInstanceIdentifier);
    return db ? factsOf(ref.region, db, await instanceTags(rds, db)) : null;
  }

  /**
   * The instance a re-protection retired from `ref` (`<id>-retired-<stamp>`, tagged with its
   * workflow id), for a retry or a second run to carry on from. RDS has no tag filter on
   * DescribeDBInstances, so the region's instances are listed and matched by name, then by tag.
   */
  async function findRetired(input: DbInstanceRef & { retiredBy: string }): Promise<DatabaseFacts | null> {
    const rds = clients.rds(input.region);
    const all = await collect(paginateDescribeDBInstances({ client: rds }, {}), (p) => p.DBInstances);
    for (const db of all.filter((d) => isRetiredNameOf(d.DBInstanceIdentifier ?? '', input.dbInstanceIdentifier))) {
      const tags = await instanceTags(rds, db);
      if (tags[RETIRED_BY_TAG] === input.retiredBy) return factsOf(input.region, db, tags);
    }
    return null;
  }

  return { readDatabase, findRetired };
}
