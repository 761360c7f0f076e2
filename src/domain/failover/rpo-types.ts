/**
 * The data side of a failover's report: how much data the promotion may lose (RPO), as measured.
 * Shared with the Aurora failover, which reads `AuroraGlobalDBRPOLag` instead of `ReplicaLag`.
 */

/**
 * Where `seconds` comes from: `replica-lag` the replica's newest `ReplicaLag` (last 15 minutes, in
 * its own region); `drained` a planned switchover that waited for the lag to read 0 after the fence;
 * `aurora-rpo-lag` an Aurora global cluster's `AuroraGlobalDBRPOLag`; `unknown` no datapoint (or
 * replication not running), so nobody can say.
 */
export type RpoBasis = 'replica-lag' | 'drained' | 'unknown' | 'aurora-rpo-lag';

export interface FailoverRpo {
  /** The data the promotion may lose, in seconds; null when unknown. */
  seconds: number | null;
  basis: RpoBasis;
  /** The datapoint's time (ISO 8601), when there is one. */
  measuredAt?: string;
  /** The replica's `read replication` status as preflight read it (`replicating`, `error`, …). */
  replicationStatus?: string;
}

/** `planned` is a switchover with no data loss (fence, drain, then promote); `unplanned` the DR case. */
export type FailoverMode = 'unplanned' | 'planned';

/** How long a planned run waits for the replica's lag to drain after the fence. */
export const DEFAULT_DRAIN_TIMEOUT = '10m';
