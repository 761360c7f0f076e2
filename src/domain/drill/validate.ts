import { z } from 'zod';
import type { DrillRequest } from './types';
import { promotesCluster, takeClusterPromotion } from '../failover/cluster-promotion';
import { validateFailoverRequest } from '../failover/validate';
import { allowRuleSchema, peeringTargetSchema, peeringRegionsError } from '../peering/validate';
import { firstIssue, type Validated } from '../validation';

/** Schedule ids are `dr-drill-<name>`, and workflow ids derive from it: keep it plain. */
const name = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );
/** Checked in full by FailoverToRegion's own validator, below, once the shape is an object. */
const failover = z.looseObject({});

const PEERING_PLACEHOLDER = 'pcx-00000000';

/** Aurora: a secondary of a global database kept for drills, switched over to and back (never production's). */
const drillGlobalCluster = z.strictObject({
  region: z.string().min(1),
  dbClusterIdentifier: z.string().regex(/^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}$/, 'must be an Aurora cluster identifier'),
});

/** The same rule checks as a setup's own `allow`: a drill must not expect what a setup would refuse. */
const expectation = z.strictObject({
  allow: z.array(allowRuleSchema).min(1, 'must list at least one rule'),
  dnsResolution: z.boolean().optional(),
  naclRuleBase: z.number().int().min(1).max(32766).optional(),
});

const request = z.strictObject({
  name,
  peering: peeringTargetSchema,
  failover,
  rtoTargetSeconds: z.number({ message: 'must be a number of seconds' }).min(0, 'must be 0 or more seconds'),
  repairDrift: z.boolean().optional(),
  expect: expectation.optional(),
  costBudgetUsd: z
    .number({ message: 'must be a number of US dollars' })
    .finite()
    .min(0, 'must be 0 or more')
    .optional(),
  latencyBudgetMs: z
    .number({ message: 'must be a number of milliseconds' })
    .finite()
    .positive('must be more than 0 ms')
    .optional(),
  enableLatencySubscription: z.boolean().optional(),
  rehearsePromotion: z.boolean().optional(),
  drillGlobalCluster: drillGlobalCluster.optional(),
});

export function validateDrillRequest(input: unknown): Validated<DrillRequest> {
  const parsed = request.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  const req = parsed.data;
  const regions = peeringRegionsError(req.peering);
  if (regions) return { ok: false, error: regions };
  if (req.enableLatencySubscription !== undefined && req.latencyBudgetMs === undefined)
    return { ok: false, error: { field: 'enableLatencySubscription', reason: 'is only used with latencyBudgetMs' } };
  if (req.rehearsePromotion && !(req.failover as { promoteReplica?: unknown }).promoteReplica)
    return {
      ok: false,
      error: {
        field: 'rehearsePromotion',
        reason: 'needs failover.promoteReplica: the replica whose source is rehearsed',
      },
    };
  // The peering is resolved later; a well-formed stand-in lets everything else be checked now.
  // Aurora: the cluster promotion is checked on its own (failover/cluster-promotion.ts), the rest as usual.
  const aurora = promotesCluster(req.failover)
    ? takeClusterPromotion({ ...req.failover, drill: true } as { promoteReplica?: unknown })
    : undefined;
  if (aurora && !aurora.ok)
    return { ok: false, error: { field: `failover.${aurora.error.field}`, reason: aurora.error.reason } };
  const rehearsal = validateFailoverRequest({
    peeringConnectionId: PEERING_PLACEHOLDER,
    ...(aurora?.ok ? aurora.rest : req.failover),
    drill: true,
    approval: 'auto',
  });
  if (!rehearsal.ok)
    return { ok: false, error: { field: `failover.${rehearsal.error.field}`, reason: rehearsal.error.reason } };
  return { ok: true, value: req as DrillRequest };
}
