/** The AWS behaviours the faithful layer counts in the proxy's stats when it reproduces one. */
export type FaithfulKind =
  | 'eventual-consistency'
  | 'not-found-after-create'
  | 'peering-initiating-request'
  | 'peering-failed'
  | 'peering-deleting'
  | 'peering-deleted'
  | 'peering-purged'
  | 'peering-accept-refused'
  | 'peering-delete-refused'
  | 'peering-duplicate'
  | 'peering-filter'
  | 'dns-options-refused'
  | 'dependency-violation'
  | 'batch-duplicate'
  | 'quota'
  | 'page';
