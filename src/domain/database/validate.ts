/**
 * Checks the database workflows' requests without calling AWS, shared by the workflows (which fail
 * with `InvalidProtectionRequest`) and the CLI. What only AWS can answer (the source's state, the
 * subnets' zones) is checked against the facts the workflow reads, in checks.ts.
 */
import ms, { type StringValue } from 'ms';
import { z } from 'zod';
import { isIpv6Cidr, parseIpv6Cidr } from '../net/cidr6';
import { parseCidr } from '../net/cidr';
import { firstIssue, regionSchema as region, type Validated } from '../validation';
import { DB_ID, fitsRetiredName } from './names';
import { PROTECTION_ID_TAG, RETIRED_BY_TAG, type ProtectionRequest, type ReprotectRequest } from './types';

export const DEFAULT_MAX_LAG_SECONDS = 300;
export const DEFAULT_LAG_TIMEOUT = '60m';
const MAX_LAG_TIMEOUT_MS = 7 * 86_400_000;

/** Milliseconds of a duration such as "60m" or "2h", as `ms` (and Temporal) read it; else undefined. */
export function durationMs(text: string): number | undefined {
  try {
    const value = ms(text.trim() as StringValue);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

export const dbId = z
  .string()
  .regex(DB_ID, 'must be an RDS instance identifier: a letter, then letters, digits and single hyphens, at most 63');
const instance = z.strictObject({ region, dbInstanceIdentifier: dbId });

/** Never the whole internet: a database group admits named networks only. */
const admittedCidr = z.string().superRefine((text, ctx) => {
  const parsed = isIpv6Cidr(text) ? parseIpv6Cidr(text) : parseCidr(text);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  else if (parsed.prefix === 0)
    ctx.addIssue({ code: 'custom', message: `"${text}" is the whole internet; a database admits named networks only` });
});
export const allowFrom = z.array(admittedCidr).min(1, 'must list at least one CIDR').max(50, 'at most 50 CIDRs');

const tagKey = z
  .string()
  .min(1)
  .max(128)
  .refine((k) => !k.toLowerCase().startsWith('aws:'), 'tag keys starting with aws: are reserved by AWS')
  .refine((k) => ![PROTECTION_ID_TAG, RETIRED_BY_TAG].includes(k), 'is set by the protection itself')
  // The tool's own keys decide what IAM lets it change or delete (vpc-peering:managed, promoted-by…).
  .refine((k) => !k.startsWith('vpc-peering:'), "vpc-peering: keys are the tool's own, never a request's");
export const tags = z
  .record(tagKey, z.string().max(256))
  .refine((t) => Object.keys(t).length <= 40, 'at most 40 tags (AWS allows 50, the protection adds its own)');

export const maxLagSeconds = z
  .number({ message: 'must be a number of seconds' })
  .int('must be whole seconds')
  .min(0, 'must be 0 or more seconds');
export const lagTimeout = z
  .string()
  .refine((t) => durationMs(t) !== undefined, 'must be a duration such as "60m", "90s" or "2h"')
  .refine((t) => (durationMs(t) ?? 0) <= MAX_LAG_TIMEOUT_MS, 'must be at most 7 days');

export const network = z.union(
  [
    z.strictObject({ setupWorkflowId: z.string().min(1, 'must be the setup workflow id') }),
    z.strictObject({
      vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must look like vpc-0123456789abcdef0'),
      subnetIds: z
        .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must look like subnet-0123456789abcdef0'))
        .min(2, 'must list subnets in at least two Availability Zones'),
    }),
  ],
  { message: 'must be { setupWorkflowId } or { vpcId, subnetIds }' },
);

const protectRequest = z
  .strictObject({
    source: instance,
    replica: z.strictObject({
      region,
      dbInstanceIdentifier: dbId,
      network,
      dbInstanceClass: z
        .string()
        .regex(/^db\.[a-z0-9-]+\.[a-z0-9-]+$/, 'must be an RDS instance class like db.t3.medium')
        .optional(),
      kmsKeyId: z.string().min(1).max(2048).optional(),
      allowFrom: allowFrom.optional(),
    }),
    maxLagSeconds: maxLagSeconds.optional(),
    lagTimeout: lagTimeout.optional(),
    allowFrom: allowFrom.optional(),
    tags: tags.optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', message, path });
    if (r.replica.region === r.source.region)
      issue(['replica', 'region'], `is the source's region (${r.source.region}); a DR replica goes to another region`);
    if (r.allowFrom && r.replica.allowFrom) issue(['allowFrom'], 'give it once: here or in replica.allowFrom');
  });

const reprotectRequest = z
  .strictObject({
    primary: instance,
    oldPrimary: instance,
    retire: z.enum(['rename', 'rename-and-stop'], { message: 'must be "rename" or "rename-and-stop"' }).optional(),
    maxLagSeconds: maxLagSeconds.optional(),
    lagTimeout: lagTimeout.optional(),
    tags: tags.optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', message, path });
    if (r.primary.region === r.oldPrimary.region)
      issue(['oldPrimary', 'region'], `is the primary's region (${r.primary.region}); re-protection goes back across`);
    if (!fitsRetiredName(r.oldPrimary.dbInstanceIdentifier))
      issue(
        ['oldPrimary', 'dbInstanceIdentifier'],
        "is too long to retire: <id>-retired-<yyyymmddhhmm> must fit RDS's 63 characters",
      );
  });

/** A protect request, with `allowFrom` moved into `replica` when it was given at the top level. */
export function validateProtectionRequest(input: unknown): Validated<ProtectionRequest> {
  const parsed = protectRequest.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  const { allowFrom: top, ...req } = parsed.data;
  const replica = top ? { ...req.replica, allowFrom: top } : req.replica;
  return { ok: true, value: { ...req, replica } };
}

export function validateReprotectRequest(input: unknown): Validated<ReprotectRequest> {
  const parsed = reprotectRequest.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  return { ok: true, value: parsed.data };
}

export function validateUnprotectRequest(input: unknown): Validated<{ protectWorkflowId: string }> {
  const parsed = z
    .strictObject({ protectWorkflowId: z.string().min(1, 'must be the ProtectDatabase workflow id') })
    .safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  return { ok: true, value: parsed.data };
}
