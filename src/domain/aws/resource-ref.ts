/** Dependents before what they depend on: rules and routes, then the peering, then the VPCs. */
export const PHASES: ResourceType[][] = [
  ['network-acl-entry', 'route', 'security-group', 'flow-log'],
  ['peering-connection'],
  ['subnet', 'vpc', 'log-group'],
];
const RANK: Record<ResourceType, number> = {
  // An Aurora secondary (with its reader), then a replica: their subnet group and group are in use until they are gone.
  'db-cluster': -3,
  'db-instance': -2,
  'db-subnet-group': -1,
  'network-acl-entry': 0,
  route: 1,
  'security-group': 2,
  'flow-log': 3,
  'peering-connection': 4,
  subnet: 5,
  vpc: 6,
  // A flow log's group goes last, once nothing writes to it any more.
  'log-group': 7,
  // A global cluster this protection made is emptied and deleted once its secondary is gone.
  'global-cluster': 8,
};

export const refKey = (r: ResourceRef): string =>
  [
    r.type,
    r.region,
    r.id,
    r.destinationCidrBlock ?? '',
    r.ruleNumber ?? '',
    r.egress === undefined ? '' : String(r.egress),
  ].join('|');

/** Merges lists without repeats and sorts them into deletion order, keeping each list's own order. */
export function deletionOrder(...lists: ResourceRef[][]): ResourceRef[] {
  const seen = new Set<string>();
  const merged: ResourceRef[] = [];
  for (const ref of lists.flat()) {
    if (!seen.has(refKey(ref))) {
      seen.add(refKey(ref));
      merged.push(ref);
    }
  }
  return merged
    .map((ref, i) => ({ ref, i }))
    .sort((a, b) => RANK[a.ref.type] - RANK[b.ref.type] || a.i - b.i)
    .map((x) => x.ref);
}

/** Refs made in one account, marked with it (where AWS named it). */
export function inAccount(refs: ResourceRef[], accountId: string | undefined): ResourceRef[] {
  return accountId ? refs.map((r) => (r.accountId ? r : { ...r, accountId })) : refs;
}

export type ResourceType =
  | 'vpc'
  | 'subnet'
  | 'peering-connection'
  | 'route'
  | 'security-group'
  | 'network-acl-entry'
  | 'flow-log'
  | 'log-group'
  /** A protection's read replica: `id` is its DB instance identifier. */
  | 'db-instance'
  /** A protection's DB subnet group: `id` is its name. */
  | 'db-subnet-group'
  /** A protection's Aurora secondary cluster: `id` is its DB cluster identifier. */
  | 'db-cluster'
  /** An Aurora global cluster a protection made: `id` is its identifier, `region` the source cluster's. */
  | 'global-cluster';

export interface ResourceRef {
  type: ResourceType;
  region: string;
  /**
   * The AWS id; for a route the route table id, for a NACL entry the network ACL id, for a log group,
   * a DB instance or a DB subnet group its name.
   */
  id: string;
  /** For a route: its destination, an IPv4 or (with colons) an IPv6 block. */
  destinationCidrBlock?: string;
  ruleNumber?: number;
  egress?: boolean;
  /** For a peering connection: the accepter region. */
  peerRegion?: string;
  /**
   * For a route: the peering it points at; a route pointing elsewhere is never deleted. For a NACL
   * entry: the peering whose record on the ACL lists it (absent for entries of older setups).
   */
  target?: string;
  /** The account that owns it, where AWS said so; removal reaches it through that side's role. */
  accountId?: string;
}

export interface DeleteFailure {
  ref: ResourceRef;
  error: string;
}
