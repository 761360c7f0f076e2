import type { ResourceRef, ResourceType } from './types';

/** Dependents before what they depend on: rules and routes, then the peering, then the VPCs. */
export const PHASES: ResourceType[][] = [
  ['network-acl-entry', 'route', 'security-group', 'flow-log'],
  ['peering-connection'],
  ['subnet', 'vpc', 'log-group'],
];
const RANK: Record<ResourceType, number> = {
  'network-acl-entry': 0,
  route: 1,
  'security-group': 2,
  'flow-log': 3,
  'peering-connection': 4,
  subnet: 5,
  vpc: 6,
  // A flow log's group goes last, once nothing writes to it any more.
  'log-group': 7,
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
