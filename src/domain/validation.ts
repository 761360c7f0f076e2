import { z } from 'zod';
import { isKnownRegion } from './net/regions';

/** A rejected request: the dotted path of the offending field and why. */
export interface InvalidField {
  field: string;
  reason: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; error: InvalidField };

export const PEERING_ID_RE = /^pcx-[0-9a-f]{8,17}$/;

export const regionSchema = z
  .string()
  .refine(isKnownRegion, { message: 'is not a known AWS region name (for example us-east-1)' });

export const peeringIdSchema = z.string().regex(PEERING_ID_RE, 'must look like pcx-0123456789abcdef0');

export const roleArnSchema = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN');

/** AWS's ExternalId: 2 to 1224 characters of these. */
export const externalIdSchema = z
  .string()
  .min(2, 'must be 2 to 1224 characters (AWS rejects shorter ones)')
  .max(1224, 'must be 2 to 1224 characters')
  .regex(/^[\w+=,.@:/-]+$/, 'may only hold letters, digits and +=,.@:/-_ (as AWS allows for an external ID)');

/** The first problem zod found, as a dotted field path and a reason. */
export function firstIssue(error: z.ZodError): InvalidField {
  const issue = error.issues[0];
  if (!issue) return { field: '(request)', reason: 'is invalid' };
  // A record key's own reason sits one level down ("Invalid key in record" is all zod says above it).
  const inner = (issue as { issues?: Array<{ message?: string }> }).issues?.[0]?.message;
  const reason = issue.code === 'invalid_key' && inner ? inner : issue.message;
  const field = issue.path.length
    ? issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
        .join('.')
        .replace(/\.\[/g, '[')
    : '(request)';
  return { field, reason };
}
