/**
 * How long the layer holds AWS's transitions of the data work: an RDS instance `creating`,
 * `renaming`, `stopping` or `deleting`; a Route 53 change `PENDING`; an Aurora global cluster's
 * failover. On AWS each takes minutes; here each profile keeps them short enough for its runs but
 * long enough that a client which does not wait for them fails. The objects are read on every call,
 * so a test (or the control endpoint, `/__faults/timing`) may change them while the layer runs.
 */

export interface RdsTiming {
  /** CreateDBInstance, CreateDBInstanceReadReplica and CreateDBCluster: `creating` for this long. */
  creatingMs: number;
  /** ModifyDBInstance with NewDBInstanceIdentifier: `renaming`, under the old name, for this long. */
  renamingMs: number;
  /** StopDBInstance: `stopping` before `stopped`. */
  stoppingMs: number;
  /** DeleteDBInstance: still listed, `deleting`, before DBInstanceNotFound. */
  deletingMs: number;
}

export interface Route53Timing {
  /** A change answers `PENDING` to GetChange for this long, then `INSYNC`. */
  insyncMs: number;
}

export interface GlobalClusterTiming {
  /** FailoverGlobalCluster / SwitchoverGlobalCluster: FailoverState `pending` for this long… */
  pendingMs: number;
  /** …then `failing-over` for this long, after which the target is the writer. */
  failingOverMs: number;
  /** RemoveFromGlobalCluster: the removed cluster is `promoting` for this long. */
  promotingMs: number;
  /**
   * After an unplanned failover, once the old primary's region answers again: how long the old
   * primary is a secondary with SynchronizationStatus `pending-resync` before it is `connected`.
   */
  resyncMs: number;
}

export interface LayerTiming {
  rds: RdsTiming;
  route53: Route53Timing;
  globalCluster: GlobalClusterTiming;
}

/** Every part optional, for options and the control endpoint. */
export type LayerTimingPatch = { [K in keyof LayerTiming]?: Partial<LayerTiming[K]> };

/** `npm test`: a few hundred milliseconds, so that a client's wait loop runs once or twice. */
export const SUITE_TIMING: LayerTiming = {
  rds: { creatingMs: 400, renamingMs: 400, stoppingMs: 300, deletingMs: 400 },
  route53: { insyncMs: 300 },
  globalCluster: { pendingMs: 200, failingOverMs: 600, promotingMs: 400, resyncMs: 500 },
};

/** `npm run stack:up` (CONTRACT: each RDS transition done within 5 s, INSYNC within 0.5 s). */
export const STACK_TIMING: LayerTiming = {
  rds: { creatingMs: 3_000, renamingMs: 2_000, stoppingMs: 1_500, deletingMs: 2_000 },
  route53: { insyncMs: 400 },
  globalCluster: { pendingMs: 500, failingOverMs: 2_500, promotingMs: 2_000, resyncMs: 3_000 },
};

/** `npm run chaos`: closer to AWS's own (minutes there), still short enough for 20 setups. */
export const CHAOS_TIMING: LayerTiming = {
  rds: { creatingMs: 10_000, renamingMs: 5_000, stoppingMs: 5_000, deletingMs: 5_000 },
  route53: { insyncMs: 3_000 },
  globalCluster: { pendingMs: 2_000, failingOverMs: 8_000, promotingMs: 5_000, resyncMs: 10_000 },
};

/** A fresh, mutable copy of `base` with `patch` applied. */
export function timingWith(base: LayerTiming, patch: LayerTimingPatch = {}): LayerTiming {
  return {
    rds: { ...base.rds, ...patch.rds },
    route53: { ...base.route53, ...patch.route53 },
    globalCluster: { ...base.globalCluster, ...patch.globalCluster },
  };
}

/** Applies `patch` to `timing` in place (the modules hold `timing`'s inner objects). */
export function patchTiming(timing: LayerTiming, patch: LayerTimingPatch): void {
  for (const key of Object.keys(patch) as Array<keyof LayerTiming>) {
    const part = patch[key];
    if (part === undefined || typeof part !== 'object') throw new Error(`timing.${key} must be an object`);
    for (const [name, value] of Object.entries(part)) {
      if (!(name in timing[key])) throw new Error(`unknown timing ${key}.${name}`);
      if (typeof value !== 'number' || value < 0) throw new Error(`timing ${key}.${name} must be ms >= 0`);
      (timing[key] as unknown as Record<string, number>)[name] = value;
    }
  }
}
