import ms, { type StringValue } from 'ms';
import { z } from 'zod';
import { defaultDrillRecordName, normalizeRecordName, sameRecordValue } from './dns-names';
import type { FailoverRequest } from './failover-types';
import { isIpv6Address } from './ip-address';
import { firstIssue, peeringIdSchema, regionSchema as region, type Validated } from './validation';

export const DEFAULT_APPROVAL_TIMEOUT = '30m';

const MIN_APPROVAL_MS = 1_000;
const MAX_APPROVAL_MS = 7 * 86_400_000;

/** Milliseconds of a duration such as "30m", "90 seconds" or "2w", parsed by `ms` as Temporal does; else undefined. */
export function durationMs(text: string): number | undefined {
  try {
    const value = ms(text.trim() as StringValue);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined; // ms throws on an empty or over-long string
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST = /^(?=.{1,253}\.?$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;
const RECORD_NAME =
  /^(?=.{1,254}$)(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.?$/i;

const endpoint = z.strictObject({ region, value: z.string().trim().min(1, 'must not be empty').max(255) });

const request = z
  .strictObject({
    hostedZoneId: z
      .string()
      .regex(/^(\/hostedzone\/)?[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id like Z0123456789ABC'),
    recordName: z.string().regex(RECORD_NAME, 'must be a DNS name like app.abc.example.'),
    recordType: z.enum(['CNAME', 'A', 'AAAA'], { message: 'must be CNAME, A or AAAA' }),
    ttl: z.number().int().min(0).max(2_147_483_647).optional(),
    from: endpoint,
    to: endpoint,
    peeringConnectionId: peeringIdSchema,
    promoteReplica: z
      .strictObject({
        region,
        dbInstanceIdentifier: z
          .string()
          .regex(
            /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/,
            'must be an RDS instance identifier (a letter, then letters, digits and hyphens)',
          ),
      })
      .optional(),
    approval: z.enum(['auto', 'signal'], { message: 'must be "auto" or "signal"' }).optional(),
    approvalTimeout: z
      .string()
      .refine((t) => durationMs(t) !== undefined, 'must be a duration such as "30m", "90s" or "2h"')
      .refine((t) => {
        const ms = durationMs(t) ?? 0;
        return ms >= MIN_APPROVAL_MS && ms <= MAX_APPROVAL_MS;
      }, 'must be between 1 second and 7 days')
      .optional(),
    drill: z.boolean().optional(),
    drillRecordName: z.string().regex(RECORD_NAME, 'must be a DNS name like drill-app.abc.example.').optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', message, path });
    for (const side of ['from', 'to'] as const) {
      const v = r[side].value;
      const ok = r.recordType === 'A' ? IPV4.test(v) : r.recordType === 'AAAA' ? isIpv6Address(v) : HOST.test(v);
      if (!ok) issue([side, 'value'], `"${v}" is not a valid ${r.recordType} value`);
    }
  });

/**
 * Checks a failover request without calling AWS: the shape, each field, and the rules between
 * fields. Shared by the workflow (which fails with `InvalidFailoverRequest`) and the client CLI.
 */
export function validateFailoverRequest(input: unknown): Validated<FailoverRequest> {
  const parsed = request.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  const req = parsed.data;
  const fail = (field: string, reason: string): Validated<FailoverRequest> => ({ ok: false, error: { field, reason } });

  if (req.from.region === req.to.region) {
    return fail(
      'to.region',
      `is the same as from.region (${req.from.region}); a failover moves traffic to another region`,
    );
  }
  if (sameRecordValue(req.recordType, req.from.value, req.to.value)) {
    return fail('to.value', 'is the same as from.value; there would be nothing to switch');
  }
  // A drill never promotes, so its failback may carry the failover's replica unchanged.
  if (req.promoteReplica && !req.drill && req.promoteReplica.region !== req.to.region) {
    return fail(
      'promoteReplica.region',
      `is ${req.promoteReplica.region}, but the replica to promote must be in the target region ${req.to.region}`,
    );
  }
  if (req.drillRecordName !== undefined && req.drill !== true) {
    return fail(
      'drillRecordName',
      'is only used with drill: true; without it the run would change the production record',
    );
  }
  if (req.drill && normalizeRecordName(drillRecordNameOf(req)) === normalizeRecordName(req.recordName)) {
    return fail('drillRecordName', 'is the production record; a drill must work on a record of its own');
  }
  return { ok: true, value: req };
}

/** The record a run acts on: the drill record in a drill, the production record otherwise. */
export function targetRecordName(req: FailoverRequest): string {
  return req.drill ? drillRecordNameOf(req) : req.recordName;
}

function drillRecordNameOf(req: Pick<FailoverRequest, 'recordName' | 'drillRecordName'>): string {
  return req.drillRecordName ?? defaultDrillRecordName(req.recordName);
}
