import { CreateTagsCommand, type EC2Client, type NetworkAcl, type RouteTable, type Tag } from '@aws-sdk/client-ec2';
import { MESH_ID_TAG, SETUP_ID_TAG } from '../../domain/aws/tags';
import { tagValue, toTags } from './helpers';
import { retryNotFound } from '../aws/waiting';

/**
 * AWS makes a VPC's main route table and default network ACL along with it, untagged, and the
 * scoped policy lets the worker change only tables that carry a setup's tag: the setup claims them
 * with its own keys only (ClaimTheTablesOfAVpcItCreated allows `vpc-peering:setup-id` and
 * `vpc-peering:mesh-id` on a table that has no setup tag yet). Whoever claims has read them first,
 * so a retry tags only what is still unclaimed and asks nothing the policy refuses.
 */
export interface Claimable {
  id: string;
  tags: Tag[] | undefined;
}

/** The VPC's main route table, as a claim sees it. */
export const mainTableOf = (tables: RouteTable[], vpcId: string): Claimable | undefined => {
  const main = tables.find((t) => t.VpcId === vpcId && t.Associations?.some((a) => a.Main));
  return main && { id: main.RouteTableId!, tags: main.Tags };
};

/** The VPC's default network ACL, as a claim sees it. */
export const defaultAclOf = (acls: NetworkAcl[], vpcId: string): Claimable | undefined => {
  const acl = acls.find((a) => a.VpcId === vpcId && a.IsDefault);
  return acl && { id: acl.NetworkAclId!, tags: acl.Tags };
};

/** Tags what carries no setup tag yet with the setup's (and mesh's) keys only; nothing when all are claimed. */
export async function claimUnclaimed(
  ec2: EC2Client,
  seen: Array<Claimable | undefined>,
  tags: Record<string, string>,
  notFoundSeconds: number,
): Promise<void> {
  const claim = Object.fromEntries([SETUP_ID_TAG, MESH_ID_TAG].flatMap((k) => (tags[k] ? [[k, tags[k]]] : [])));
  const unclaimed = seen.filter((t): t is Claimable => !!t && !tagValue(t.tags, SETUP_ID_TAG)).map((t) => t.id);
  if (!unclaimed.length) return;
  await retryNotFound(notFoundSeconds, () =>
    ec2.send(new CreateTagsCommand({ Resources: unclaimed, Tags: toTags(claim) })),
  );
}
