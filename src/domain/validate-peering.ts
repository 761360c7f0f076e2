import { z } from 'zod';
import { contains, overlaps, parseCidr, type Cidr } from './cidr';
import type { AllowRule, PeeringRequest } from './types';
import { SETUP_ID_TAG } from './tags';
import { firstIssue, regionSchema as region, type InvalidField, type Validated } from './validation';

const VPC_PREFIX_MIN = 16;
const VPC_PREFIX_MAX = 28;
const NACL_RULE_MAX = 32766;

const vpcCidr = z.string().superRefine((text, ctx) => {
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  else if (parsed.prefix < VPC_PREFIX_MIN || parsed.prefix > VPC_PREFIX_MAX) {
    ctx.addIssue({ code: 'custom', message: `prefix /${parsed.prefix} is outside the /16 to /28 that a VPC allows` });
  }
});

const side = z
  .strictObject({
    region,
    cidrBlock: vpcCidr.optional(),
    vpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]{8,17}$/, 'must look like vpc-0123456789abcdef0')
      .optional(),
    name: z.string().min(1).max(200).optional(),
    routeTableIds: z
      .array(z.string().regex(/^rtb-[0-9a-f]{8,17}$/, 'must look like rtb-0123456789abcdef0'))
      .min(1)
      .optional(),
    subnets: z
      .array(
        z.strictObject({
          cidrBlock: z.string().refine((t) => typeof parseCidr(t) !== 'string', 'is not an IPv4 CIDR block'),
          availabilityZone: z.string().min(1),
        }),
      )
      .optional(),
    roleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN')
      .optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.cidrBlock === undefined) === (s.vpcId === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of cidrBlock (create a VPC) or vpcId (use an existing one)',
        path: ['cidrBlock'],
      });
    }
    if (s.subnets && s.vpcId) {
      ctx.addIssue({
        code: 'custom',
        message: 'subnets can only be created with a new VPC (cidrBlock)',
        path: ['subnets'],
      });
    }
    const vpc = s.cidrBlock ? parseCidr(s.cidrBlock) : undefined;
    s.subnets?.forEach((sub, i) => {
      const c = parseCidr(sub.cidrBlock);
      if (vpc && typeof vpc !== 'string' && typeof c !== 'string' && !contains(vpc, c)) {
        ctx.addIssue({
          code: 'custom',
          message: `${sub.cidrBlock} is not inside the VPC's ${s.cidrBlock}`,
          path: ['subnets', i, 'cidrBlock'],
        });
      }
      if (!sub.availabilityZone.startsWith(s.region)) {
        ctx.addIssue({
          code: 'custom',
          message: `${sub.availabilityZone} is not in ${s.region}`,
          path: ['subnets', i, 'availabilityZone'],
        });
      }
    });
  });

const port = z.number().int().min(-1).max(65535);

const allowRule = z
  .strictObject({
    protocol: z.enum(['tcp', 'udp', 'icmp'], {
      message: 'must be tcp, udp or icmp (all-protocol rules are not least-privilege)',
    }),
    fromPort: port,
    toPort: port,
    description: z
      .string()
      .max(255)
      .regex(/^[\w .,:;/()#@+=&{}![\]-]*$/, 'has characters AWS rejects in a rule description')
      .optional(),
    cidrBlock: z.string().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.protocol !== 'icmp') {
      if (r.fromPort < 0 || r.toPort < 0)
        ctx.addIssue({ code: 'custom', message: 'ports run from 0 to 65535', path: ['fromPort'] });
      else if (r.fromPort > r.toPort)
        ctx.addIssue({
          code: 'custom',
          message: `fromPort ${r.fromPort} is above toPort ${r.toPort}`,
          path: ['fromPort'],
        });
    }
    if (r.cidrBlock !== undefined) {
      const c = parseCidr(r.cidrBlock);
      if (typeof c === 'string') ctx.addIssue({ code: 'custom', message: c, path: ['cidrBlock'] });
      else if (c.prefix === 0)
        ctx.addIssue({
          code: 'custom',
          message: 'must not be open to 0.0.0.0/0; use the peer CIDR or a range inside it',
          path: ['cidrBlock'],
        });
    }
  });

const tagKey = z
  .string()
  .min(1)
  .max(128)
  .refine((k) => !k.toLowerCase().startsWith('aws:'), 'tag keys starting with aws: are reserved by AWS')
  .refine((k) => k !== SETUP_ID_TAG, `${SETUP_ID_TAG} is set by the setup itself`);

const request = z.strictObject({
  requester: side,
  accepter: side,
  allow: z
    .array(allowRule)
    .min(1, 'must list at least one rule; an empty allow list would open nothing and is almost certainly a mistake'),
  dnsResolution: z.boolean().optional(),
  tags: z
    .record(tagKey, z.string().max(256))
    .refine((t) => Object.keys(t).length <= 40, 'at most 40 tags (AWS allows 50, the setup adds its own)')
    .optional(),
  onFailure: z.enum(['rollback', 'keep']).optional(),
  naclRuleBase: z.number().int().min(1).max(NACL_RULE_MAX).optional(),
});

/** Rules that AWS needs per side: NACL entries each take a rule number from the base upward. */
export function naclRuleCount(allow: AllowRule[]): number {
  const returnProtocols = new Set(allow.filter((r) => r.protocol !== 'icmp').map((r) => r.protocol));
  return allow.length + returnProtocols.size;
}

/**
 * Checks the request's shape and every rule that can be decided without AWS. The CIDR checks that
 * need an existing VPC's CIDR run again in {@link validateResolvedCidrs} once it has been read.
 */
export function validatePeeringRequest(input: unknown): Validated<PeeringRequest> {
  const parsed = request.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  const req = parsed.data;

  if (req.requester.vpcId && req.requester.vpcId === req.accepter.vpcId) {
    return {
      ok: false,
      error: { field: 'accepter.vpcId', reason: 'is the same VPC as requester.vpcId; a VPC cannot peer with itself' },
    };
  }
  const base = req.naclRuleBase ?? 900;
  if (base + naclRuleCount(req.allow) - 1 > NACL_RULE_MAX) {
    return {
      ok: false,
      error: {
        field: 'naclRuleBase',
        reason: `${base} leaves no room for ${naclRuleCount(req.allow)} rules below ${NACL_RULE_MAX}`,
      },
    };
  }
  const seen = new Set<string>();
  for (const [i, r] of req.allow.entries()) {
    const key = `${r.protocol}:${r.fromPort}:${r.toPort}:${r.cidrBlock ?? ''}`;
    if (seen.has(key)) return { ok: false, error: { field: `allow[${i}]`, reason: 'repeats an earlier rule' } };
    seen.add(key);
  }
  if (req.requester.cidrBlock && req.accepter.cidrBlock) {
    const cidrError = validateResolvedCidrs(req.requester.cidrBlock, req.accepter.cidrBlock, req.allow);
    if (cidrError) return { ok: false, error: cidrError };
  }
  return { ok: true, value: req };
}

/** The checks that need both CIDRs, run once existing VPCs have been described. */
export function validateResolvedCidrs(
  requesterCidr: string,
  accepterCidr: string,
  allow: AllowRule[],
): InvalidField | undefined {
  const a = parseCidr(requesterCidr);
  const b = parseCidr(accepterCidr);
  if (typeof a === 'string') return { field: 'requester.cidrBlock', reason: a };
  if (typeof b === 'string') return { field: 'accepter.cidrBlock', reason: b };
  if (overlaps(a, b)) {
    return {
      field: 'accepter.cidrBlock',
      reason: `${accepterCidr} overlaps requester ${requesterCidr}; AWS cannot peer overlapping CIDRs`,
    };
  }
  for (const [i, r] of allow.entries()) {
    if (r.cidrBlock === undefined) continue;
    const c = parseCidr(r.cidrBlock) as Cidr;
    if (!contains(a, c) && !contains(b, c)) {
      return {
        field: `allow[${i}].cidrBlock`,
        reason: `${r.cidrBlock} is wider than, or outside, both peer CIDRs (${requesterCidr}, ${accepterCidr})`,
      };
    }
  }
  return undefined;
}

/**
 * The rules a side admits: those whose source lies in the peer's CIDR. A rule without its own
 * `cidrBlock` admits the whole peer CIDR.
 */
export function rulesForSide(peerCidr: string, allow: AllowRule[]): Array<AllowRule & { cidrBlock: string }> {
  const peer = parseCidr(peerCidr) as Cidr;
  return allow
    .map((r) => ({ ...r, cidrBlock: r.cidrBlock ?? peerCidr }))
    .filter((r) => contains(peer, parseCidr(r.cidrBlock) as Cidr));
}
