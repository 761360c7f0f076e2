import { paginateDescribeSubnets, paginateDescribeVpcs, type Tag } from '@aws-sdk/client-ec2';
import { accessOf, type SideAccess } from '../../domain/aws/access';
import { MESH_ID_TAG, SIDE_TAG } from '../../domain/aws/tags';
import type { AwsClients } from '../aws/clients';
import { collect, hasSetupTag, setupFilter, tagValue } from '../ec2/helpers';
import { type ResourceRef } from '../../domain/aws/resource-ref';

export interface FindMeshVpcsInput extends SideAccess {
  meshId: string;
  region: string;
  /** Only the VPCs of these keys (those one run made); every key when absent. */
  keys?: string[];
}

const owner = (accountId: string | undefined) => (accountId ? { accountId } : {});

export function createMeshInventoryActivities(clients: AwsClients) {
  /**
   * The subnets and VPCs the mesh itself made in one region, found by its tags (its pairs' own
   * resources are found by theirs). An existing VPC never carries them, so it is never listed.
   */
  async function findMeshVpcs(input: FindMeshVpcsInput): Promise<ResourceRef[]> {
    const ec2 = clients.ec2(input.region, accessOf(input));
    const filters = { Filters: [setupFilter(input.meshId)] };
    const ours = (tags: Tag[] | undefined) =>
      hasSetupTag(tags, input.meshId) &&
      tagValue(tags, MESH_ID_TAG) === input.meshId &&
      (!input.keys || input.keys.includes(tagValue(tags, SIDE_TAG) ?? ''));
    const [vpcs, subnets] = await Promise.all([
      collect(paginateDescribeVpcs({ client: ec2 }, filters), (p) => p.Vpcs),
      collect(paginateDescribeSubnets({ client: ec2 }, filters), (p) => p.Subnets),
    ]);
    return [
      ...subnets
        .filter((s) => ours(s.Tags))
        .map((s) => ({ type: 'subnet' as const, region: input.region, id: s.SubnetId!, ...owner(s.OwnerId) })),
      ...vpcs
        .filter((v) => ours(v.Tags))
        .map((v) => ({ type: 'vpc' as const, region: input.region, id: v.VpcId!, ...owner(v.OwnerId) })),
    ];
  }

  return { findMeshVpcs };
}
