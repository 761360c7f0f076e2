import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand, type SecurityGroup } from '@aws-sdk/client-ec2';
import { CreateDBInstanceReadReplicaCommand, CreateDBSubnetGroupCommand } from '@aws-sdk/client-rds';
import type { ResourceRef } from '../../domain/aws/resource-ref';
import type { EnsureReplicaInput } from '../../domain/database/types';
import { PROTECTION_ID_TAG } from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import type { SgPlan } from '../../domain/peering/rules-plan';
import type { AwsClients } from '../aws/clients';
import { AwsErrors, errorName, isNamed, nonRetryable, retryable } from '../aws/errors';
import { findEarlierWork, retryNotFound, type ConsistencyWindows } from '../aws/waiting';
import { tagSpec, toTags } from '../ec2/helpers';
import { applySecurityGroupPlan, hasDrift, securityGroupDrift } from '../ec2/security-groups';
import { describeSubnetGroup, findGroupNamed, subnetGroupTags } from './inventory';
import { describeInstance, instanceTags, tagsOf } from './rds';

const ALREADY_EXISTS = /^DB(Instance|SubnetGroup)AlreadyExists(Fault)?$/;

function conflict(what: string, owner: string | undefined): never {
  throw nonRetryable(
    FailureTypes.ProtectionConflict,
    `${what} already exists and was made by ${owner ? `protection ${owner}` : 'no protection'}; this protection will not touch it`,
  );
}

export interface EnsureSubnetGroupInput {
  region: string;
  name: string;
  subnetIds: string[];
  protectionId: string;
  tags: Record<string, string>;
}

export interface EnsureDbGroupInput {
  region: string;
  vpcId: string;
  name: string;
  port: number;
  allowFrom: string[];
  protectionId: string;
  tags: Record<string, string>;
}

export function createProtectionCreates(clients: AwsClients, windows: ConsistencyWindows) {
  /**
   * The replica's DB subnet group, or the one an earlier attempt made: the name is unique in the
   * region, and RDS has no client token, so it is looked up before it is created.
   */
  async function ensureDbSubnetGroup(input: EnsureSubnetGroupInput): Promise<{ ref: ResourceRef }> {
    const rds = clients.rds(input.region);
    const ref: ResourceRef = { type: 'db-subnet-group', region: input.region, id: input.name };
    const mine = async () => {
      const group = await describeSubnetGroup(rds, input.name);
      if (!group) return false;
      const owner = (await subnetGroupTags(rds, group))[PROTECTION_ID_TAG];
      if (owner !== input.protectionId) conflict(`DB subnet group ${input.name} in ${input.region}`, owner);
      return true;
    };
    if (await mine()) return { ref };
    try {
      await rds.send(
        new CreateDBSubnetGroupCommand({
          DBSubnetGroupName: input.name,
          DBSubnetGroupDescription: `DR replica subnets (protection ${input.protectionId})`,
          SubnetIds: input.subnetIds,
          Tags: toTags(input.tags),
        }),
      );
    } catch (err) {
      if (!ALREADY_EXISTS.test(errorName(err)) || !(await mine())) throw err;
    }
    return { ref };
  }

  /**
   * `<replica>-db` in the replica's VPC, admitting exactly the engine's port from `allowFrom` and
   * sending nothing (the default allow-all egress is revoked): the replica only answers. A group
   * of that name this protection did not make is a conflict.
   */
  async function ensureDatabaseSecurityGroup(input: EnsureDbGroupInput): Promise<{ ref: ResourceRef }> {
    const ec2 = clients.ec2(input.region);
    const find = () => findGroupNamed(ec2, input.name, input.vpcId, input.protectionId);
    const claim = (g: SecurityGroup | undefined) => {
      const owner = g && tagsOf(g.Tags)[PROTECTION_ID_TAG];
      if (g && owner !== input.protectionId) conflict(`security group ${input.name} in ${input.vpcId}`, owner);
      return g;
    };
    let group = claim(await find());
    if (!group) {
      try {
        const out = await ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: input.name,
            Description: `DR replica: port ${input.port} from its networks only`,
            VpcId: input.vpcId,
            TagSpecifications: tagSpec('security-group', { ...input.tags, Name: input.name }),
          }),
        );
        // Read back, for the default rules AWS gave it (IPv6 egress too, in a VPC with an IPv6 block).
        group = await retryNotFound(windows.notFoundSeconds, async () => {
          const described = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [out.GroupId!] }));
          return described.SecurityGroups?.[0];
        });
      } catch (err) {
        if (!isNamed(err, AwsErrors.GroupDuplicate)) throw err;
        group = claim(await findEarlierWork(windows.tagLagSeconds, find));
        if (!group) throw err;
      }
    }
    const plan: SgPlan = {
      ingress: input.allowFrom.map((cidrBlock) => ({
        protocol: 'tcp',
        fromPort: input.port,
        toPort: input.port,
        cidrBlock,
        description: 'DR replica',
      })),
      egress: [],
    };
    const drift = securityGroupDrift(group!, plan);
    if (hasDrift(drift)) await applySecurityGroupPlan(ec2, group!.GroupId!, drift, windows.notFoundSeconds);
    return { ref: { type: 'security-group', region: input.region, id: group!.GroupId! } };
  }

  /**
   * The read replica, created in its own region from the source's ARN, private, tagged with the
   * protection; or the one this protection made before (a retry after a lost answer finds it by its
   * identifier). An instance under that identifier that this protection did not make is a conflict.
   */
  async function ensureReadReplica(
    input: EnsureReplicaInput,
  ): Promise<{ ref: ResourceRef; arn: string; made: boolean }> {
    const rds = clients.rds(input.region);
    const id = input.dbInstanceIdentifier;
    const ref: ResourceRef = { type: 'db-instance', region: input.region, id };
    const existing = async () => {
      const db = await describeInstance(rds, id);
      if (!db) return undefined;
      const owner = (await instanceTags(rds, db))[PROTECTION_ID_TAG];
      if (owner !== input.protectionId) conflict(`DB instance ${id} in ${input.region}`, owner);
      if (db.DBInstanceStatus === 'deleting') throw retryable('ReplicaBeingDeleted', `${id} is still being deleted`);
      return db.DBInstanceArn ?? '';
    };
    const arn = await existing();
    if (arn !== undefined) return { ref, arn, made: false };
    try {
      const out = await rds.send(
        new CreateDBInstanceReadReplicaCommand({
          DBInstanceIdentifier: id,
          SourceDBInstanceIdentifier: input.sourceArn,
          DBInstanceClass: input.dbInstanceClass,
          PubliclyAccessible: false,
          ...(input.kmsKeyId ? { KmsKeyId: input.kmsKeyId } : {}),
          ...(input.dbSubnetGroupName ? { DBSubnetGroupName: input.dbSubnetGroupName } : {}),
          ...(input.vpcSecurityGroupIds?.length ? { VpcSecurityGroupIds: input.vpcSecurityGroupIds } : {}),
          ...(input.dbParameterGroupName ? { DBParameterGroupName: input.dbParameterGroupName } : {}),
          Tags: toTags(input.tags),
        }),
      );
      return { ref, arn: out.DBInstance?.DBInstanceArn ?? '', made: true };
    } catch (err) {
      // The source busy (a snapshot of it under way): RDS takes it once the source is available again.
      if (isNamed(err, AwsErrors.InvalidDBInstanceState)) throw retryable(errorName(err), (err as Error).message);
      if (!ALREADY_EXISTS.test(errorName(err))) throw err;
      const found = await existing();
      if (found === undefined) throw err;
      return { ref, arn: found, made: true };
    }
  }

  return { ensureDbSubnetGroup, ensureDatabaseSecurityGroup, ensureReadReplica };
}
