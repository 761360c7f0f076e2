/**
 * Checks the Aurora requests of the database workflows without calling AWS. A side names exactly
 * one of `dbInstanceIdentifier` and `dbClusterIdentifier`, and both sides name the same kind.
 */
import { z } from 'zod';
import { firstIssue, regionSchema as region, type Validated } from '../validation';
import type { ClusterProtectionRequest, ClusterReprotectRequest } from './cluster-types';
import { allowFrom, lagTimeout, maxLagSeconds, network, tags } from './validate';

/** Room for `-reader` after the id, within RDS's 63 characters. */
const clusterId = z
  .string()
  .regex(
    /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,55}$/,
    'must be an Aurora cluster identifier: a letter, then letters, digits and single hyphens, at most 56 (room for -reader)',
  )
  .refine((id) => !id.endsWith('-'), 'must not end with a hyphen');

const ONE_OF = 'give exactly one of dbInstanceIdentifier and dbClusterIdentifier, the same kind on both sides';
/** A side that names an instance too is refused here (the instance shape refuses a cluster id). */
const noInstance = { dbInstanceIdentifier: z.undefined({ message: ONE_OF }).optional() };
const cluster = z.strictObject({ region, dbClusterIdentifier: clusterId, ...noInstance });

const protectRequest = z
  .strictObject({
    source: cluster,
    replica: z.strictObject({
      ...noInstance,
      region,
      dbClusterIdentifier: clusterId,
      network,
      dbInstanceClass: z
        .string()
        .regex(/^db\.[a-z0-9-]+\.[a-z0-9-]+$/, 'must be an RDS instance class like db.r6g.large')
        .optional(),
      allowFrom: allowFrom.optional(),
    }),
    globalClusterIdentifier: clusterId.optional(),
    maxLagSeconds: maxLagSeconds.optional(),
    lagTimeout: lagTimeout.optional(),
    allowFrom: allowFrom.optional(),
    tags: tags.optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', message, path });
    if (r.replica.region === r.source.region)
      issue(['replica', 'region'], `is the source's region (${r.source.region}); a secondary goes to another region`);
    if (r.allowFrom && r.replica.allowFrom) issue(['allowFrom'], 'give it once: here or in replica.allowFrom');
  });

const reprotectRequest = z
  .strictObject({
    primary: cluster,
    oldPrimary: cluster,
    maxLagSeconds: maxLagSeconds.optional(),
    lagTimeout: lagTimeout.optional(),
    tags: tags.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.primary.region === r.oldPrimary.region)
      ctx.addIssue({
        code: 'custom',
        path: ['oldPrimary', 'region'],
        message: `is the primary's region (${r.primary.region}); re-protection goes back across`,
      });
  });

/** Both sides clusters; `allowFrom` moved into `replica` when given at the top level. */
export function validateClusterProtectionRequest(input: unknown): Validated<ClusterProtectionRequest> {
  const parsed = protectRequest.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  const { allowFrom: top, ...req } = parsed.data;
  const replica = top ? { ...req.replica, allowFrom: top } : req.replica;
  return { ok: true, value: { ...req, replica } };
}

export function validateClusterReprotectRequest(input: unknown): Validated<ClusterReprotectRequest> {
  const parsed = reprotectRequest.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  return { ok: true, value: parsed.data };
}
