import { DescribeSecurityGroupsCommand, type EC2Client, type SecurityGroup } from '@aws-sdk/client-ec2';
import {
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand,
  type DBSubnetGroup,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { securityGroupName, subnetGroupName } from '../../domain/database/names';
import {
  PROMOTED_BY_TAG,
  PROTECTION_ID_TAG,
  type FindProtectionInput,
  type FoundResource,
  type ProtectionInventory,
} from '../../domain/database/types';
import type { ResourceRef } from '../../domain/aws/resource-ref';
import type { AwsClients } from '../aws/clients';
import { isNamed } from '../aws/errors';
import { describeInstance, instanceTags, tagsOf } from './rds';

export const DB_SUBNET_GROUP_NOT_FOUND = 'DBSubnetGroupNotFoundFault';

const found = (ref: ResourceRef, tags: Record<string, string>, protectionId: string): FoundResource => {
  const owner = tags[PROTECTION_ID_TAG];
  return { ref, ours: owner === protectionId, ...(owner && owner !== protectionId ? { owner } : {}) };
};

export async function describeSubnetGroup(rds: RDSClient, name: string): Promise<DBSubnetGroup | undefined> {
  try {
    const out = await rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name }));
    return out.DBSubnetGroups?.find((g) => g.DBSubnetGroupName === name);
  } catch (err) {
    if (isNamed(err, DB_SUBNET_GROUP_NOT_FOUND)) return undefined;
    throw err;
  }
}

export async function subnetGroupTags(rds: RDSClient, group: DBSubnetGroup): Promise<Record<string, string>> {
  if (!group.DBSubnetGroupArn) return {};
  return tagsOf((await rds.send(new ListTagsForResourceCommand({ ResourceName: group.DBSubnetGroupArn }))).TagList);
}

/** The group named `name` (in `vpcId`, when given): the name is unique per VPC, so several VPCs may hold one. */
export async function findGroupNamed(
  ec2: EC2Client,
  name: string,
  vpcId: string | undefined,
  protectionId: string,
): Promise<SecurityGroup | undefined> {
  const out = await ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [{ Name: 'group-name', Values: [name] }, ...(vpcId ? [{ Name: 'vpc-id', Values: [vpcId] }] : [])],
    }),
  );
  const named = (out.SecurityGroups ?? []).filter((g) => g.GroupName === name && (!vpcId || g.VpcId === vpcId));
  // Without a VPC to narrow it, this protection's own group is the one that matters.
  return named.find((g) => tagsOf(g.Tags)[PROTECTION_ID_TAG] === protectionId) ?? named[0];
}

export function createProtectionInventory(clients: AwsClients) {
  /**
   * What stands under the names a protection uses: its replica, and with `network` its subnet group
   * and group, each with whether it carries this protection's tag. Read-only: the check before any
   * change, the rollback's search for work whose answer was lost, and UnprotectDatabase's inventory.
   */
  async function findProtectionResources(input: FindProtectionInput): Promise<ProtectionInventory> {
    const { region, dbInstanceIdentifier: id, protectionId } = input;
    const rds = clients.rds(region);
    const inventory: ProtectionInventory = {};
    const db = await describeInstance(rds, id);
    if (db) {
      const tags = await instanceTags(rds, db);
      const source = db.ReadReplicaSourceDBInstanceIdentifier;
      inventory.replica = {
        ...found({ type: 'db-instance', region, id: db.DBInstanceIdentifier ?? id }, tags, protectionId),
        status: db.DBInstanceStatus ?? 'unknown',
        arn: db.DBInstanceArn ?? '',
        ...(source ? { source } : {}),
        promoted: !source || tags[PROMOTED_BY_TAG] !== undefined,
      };
    }
    if (!input.network) return inventory;
    const group = await describeSubnetGroup(rds, subnetGroupName(id));
    if (group)
      inventory.subnetGroup = found(
        { type: 'db-subnet-group', region, id: subnetGroupName(id) },
        await subnetGroupTags(rds, group),
        protectionId,
      );
    const sg = await findGroupNamed(clients.ec2(region), securityGroupName(id), input.vpcId, protectionId);
    if (sg?.GroupId)
      inventory.securityGroup = found(
        { type: 'security-group', region, id: sg.GroupId },
        tagsOf(sg.Tags),
        protectionId,
      );
    return inventory;
  }

  return { findProtectionResources };
}
