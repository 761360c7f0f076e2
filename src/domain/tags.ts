/** Every resource a setup creates carries this tag, with the setup's workflow id as its value. */
export const SETUP_ID_TAG = 'vpc-peering:setup-id';
/** On the peering connection: the NACL rule numbers the setup owns, as `first-last`. */
export const NACL_RULES_TAG = 'vpc-peering:nacl-rules';
/** On the peering connection: the requester and accepter VPC CIDRs, so teardown needs no other record. */
export const SIDE_TAG = 'vpc-peering:side';

export function setupTags(setupId: string, userTags: Record<string, string> | undefined): Record<string, string> {
  return { ...userTags, [SETUP_ID_TAG]: setupId };
}

export function securityGroupName(peeringConnectionId: string): string {
  return `peering-${peeringConnectionId}`;
}
