/** Every resource a setup creates carries this tag, with the setup's workflow id as its value. */
export const SETUP_ID_TAG = 'vpc-peering:setup-id';
/** On the peering connection: the span of NACL rule numbers the setup's entries use, as `first-last`. */
export const NACL_RULES_TAG = 'vpc-peering:nacl-rules';
/**
 * On the peering connection: where the setup recorded the NACL entries it made. `acl-tags`: on each
 * network ACL (see nacl-record.ts). Absent on peerings made before that record existed, whose
 * entries are known only by the rule span and the peer CIDR.
 */
export const NACL_RECORD_TAG = 'vpc-peering:nacl-record';
export const NACL_RECORD_ON_ACLS = 'acl-tags';
/** On a VPC a setup created: its side (`requester` or `accepter`), or its key in a mesh. */
export const SIDE_TAG = 'vpc-peering:side';
/** On everything a mesh and its pairs create: the mesh's workflow id. */
export const MESH_ID_TAG = 'vpc-peering:mesh-id';

export function setupTags(setupId: string, userTags: Record<string, string> | undefined): Record<string, string> {
  return { ...userTags, [SETUP_ID_TAG]: setupId };
}

export function securityGroupName(peeringConnectionId: string): string {
  return `peering-${peeringConnectionId}`;
}
