import { CreateDBClusterCommand, CreateDBInstanceCommand, CreateGlobalClusterCommand } from '@aws-sdk/client-rds';
import type { ResourceRef } from '../../domain/aws/resource-ref';
import { PROTECTION_ID_TAG } from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import type { AwsClients } from '../aws/clients';
import { AwsErrors, isNamed, nonRetryable, retryable } from '../aws/errors';
import { toTags } from '../ec2/helpers';
import { ClusterErrors, clusterTags, describeCluster, describeGlobal } from './cluster-reads';
import { describeInstance, instanceTags } from './rds';

function conflict(what: string, owner: string | undefined): never {
  throw nonRetryable(
    FailureTypes.ProtectionConflict,
    `${what} already exists and was made by ${owner ? `protection ${owner}` : 'no protection'}; this protection will not touch it`,
  );
}

export interface EnsureGlobalInput {
  region: string;
  globalClusterIdentifier: string;
  sourceArn: string;
  /** Tagged, so that only what a protection made is ever deleted (IAM: DeleteGlobalClustersAProtectionMade). */
  tags?: Record<string, string>;
}

export interface EnsureSecondaryInput {
  region: string;
  dbClusterIdentifier: string;
  globalClusterIdentifier: string;
  engine: string;
  engineVersion: string;
  dbSubnetGroupName: string;
  vpcSecurityGroupIds: string[];
  protectionId: string;
  tags: Record<string, string>;
}

export interface EnsureReaderInput {
  region: string;
  dbInstanceIdentifier: string;
  dbClusterIdentifier: string;
  engine: string;
  dbInstanceClass: string;
  protectionId: string;
  tags: Record<string, string>;
}

export function createClusterCreates(clients: AwsClients) {
  /**
   * Makes the source the primary of the global cluster, or finds that it already is (an earlier
   * attempt whose answer was lost, or a source that was a member before). `made` only when this
   * call created it: the rollback then empties and deletes it again.
   */
  async function ensureGlobalCluster(input: EnsureGlobalInput): Promise<{ ref: ResourceRef; made: boolean }> {
    const rds = clients.rds(input.region);
    const ref: ResourceRef = { type: 'global-cluster', region: input.region, id: input.globalClusterIdentifier };
    const holdsSource = async () => {
      const g = await describeGlobal(rds, input.globalClusterIdentifier);
      if (g && !g.members.some((m) => m.arn === input.sourceArn))
        throw nonRetryable(
          FailureTypes.ProtectionConflict,
          `global cluster ${input.globalClusterIdentifier} exists without the source ${input.sourceArn}`,
        );
      return g !== null;
    };
    if (await holdsSource()) return { ref, made: false };
    try {
      await rds.send(
        new CreateGlobalClusterCommand({
          GlobalClusterIdentifier: input.globalClusterIdentifier,
          SourceDBClusterIdentifier: input.sourceArn,
          ...(input.tags ? { Tags: toTags(input.tags) } : {}),
        }),
      );
    } catch (err) {
      if (!isNamed(err, ClusterErrors.GlobalExists) || !(await holdsSource())) throw err;
    }
    return { ref, made: true };
  }

  /**
   * The secondary cluster in the DR region, joined to the global cluster, in the protection's subnet
   * group and group; or the one an earlier attempt made (found by its identifier and tag).
   */
  async function ensureSecondaryCluster(input: EnsureSecondaryInput): Promise<{ ref: ResourceRef; arn: string }> {
    const rds = clients.rds(input.region);
    const id = input.dbClusterIdentifier;
    const ref: ResourceRef = { type: 'db-cluster', region: input.region, id };
    const existing = async () => {
      const c = await describeCluster(rds, id);
      if (!c) return undefined;
      const owner = (await clusterTags(rds, c))[PROTECTION_ID_TAG];
      if (owner !== input.protectionId) conflict(`DB cluster ${id} in ${input.region}`, owner);
      if (c.Status === 'deleting') throw retryable('ClusterBeingDeleted', `${id} is still being deleted`);
      return c.DBClusterArn ?? '';
    };
    const arn = await existing();
    if (arn !== undefined) return { ref, arn };
    try {
      const out = await rds.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: id,
          GlobalClusterIdentifier: input.globalClusterIdentifier,
          Engine: input.engine,
          EngineVersion: input.engineVersion,
          DBSubnetGroupName: input.dbSubnetGroupName,
          VpcSecurityGroupIds: input.vpcSecurityGroupIds,
          Tags: toTags(input.tags),
        }),
      );
      return { ref, arn: out.DBCluster?.DBClusterArn ?? '' };
    } catch (err) {
      if (!isNamed(err, ClusterErrors.ClusterExists)) throw err;
      const found = await existing();
      if (found === undefined) throw err;
      return { ref, arn: found };
    }
  }

  /** The secondary's one reader instance (a headless secondary cannot be failed over to). */
  async function ensureClusterReader(input: EnsureReaderInput): Promise<{ ref: ResourceRef }> {
    const rds = clients.rds(input.region);
    const id = input.dbInstanceIdentifier;
    const ref: ResourceRef = { type: 'db-instance', region: input.region, id };
    const existing = async () => {
      const db = await describeInstance(rds, id);
      if (!db) return false;
      const owner = (await instanceTags(rds, db))[PROTECTION_ID_TAG];
      if (owner !== input.protectionId) conflict(`DB instance ${id} in ${input.region}`, owner);
      return true;
    };
    if (await existing()) return { ref };
    try {
      await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: id,
          DBClusterIdentifier: input.dbClusterIdentifier,
          Engine: input.engine,
          DBInstanceClass: input.dbInstanceClass,
          PubliclyAccessible: false,
          Tags: toTags(input.tags),
        }),
      );
    } catch (err) {
      // The cluster still `creating`: RDS takes the instance once it is available.
      if (isNamed(err, ClusterErrors.ClusterState)) throw retryable(ClusterErrors.ClusterState, (err as Error).message);
      if (!isNamed(err, 'DBInstanceAlreadyExistsFault') && !isNamed(err, AwsErrors.InvalidDBInstanceState)) throw err;
      if (!(await existing())) throw err;
    }
    return { ref };
  }

  return { ensureGlobalCluster, ensureSecondaryCluster, ensureClusterReader };
}
