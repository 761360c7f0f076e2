/** VPC peering lifecycle states (VPC peering guide, "VPC peering connection lifecycle"). */

/** Gone for good: AWS keeps them visible for a while, but nothing can be done with them. */
const GONE = new Set(['deleted', 'rejected', 'expired']);
/** States from which a peering never becomes active. */
const DEAD = new Set([...GONE, 'deleting', 'failed']);

export function isPeeringGone(status: string | undefined): boolean {
  return GONE.has(status ?? '');
}

export function isPeeringDead(status: string | undefined): boolean {
  return DEAD.has(status ?? '');
}
