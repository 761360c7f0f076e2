/**
 * Where the worker runs, against the region a failover moves away from. A runbook's worker in the
 * primary region fails with it, exactly when the failover is needed (README, "Where to run the
 * runbook"). The worker cannot see a failover's `from` before one is asked for, so the operator
 * names it: PRIMARY_REGION, the region (or regions, comma-separated) that failovers leave.
 */

/** The worker's own region, as the SDK reads it. */
export function workerRegion(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined;
}

/** The warning to print at start, when the worker's region is one PRIMARY_REGION names; else undefined. */
export function primaryRegionWarning(env: NodeJS.ProcessEnv): string | undefined {
  const primaries = (env.PRIMARY_REGION ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const own = workerRegion(env);
  if (!own || !primaries.includes(own)) return undefined;
  return (
    `Warning: this worker runs in the primary region (AWS_REGION ${own}, PRIMARY_REGION ${primaries.join(', ')}). ` +
    `A failover away from ${own} needs a worker that is still up when ${own} is not: run the runbook's ` +
    `worker (and its Temporal) outside it, in the DR region or on Temporal Cloud with a multi-region ` +
    `namespace (README, "Where to run the runbook"; deploy/worker-dr-region.env.example).`
  );
}
