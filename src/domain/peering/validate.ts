import { z } from 'zod';
import { flowLogsError } from './validate-flow-logs';
import { contains, overlaps, parseCidr, type Cidr } from '../net/cidr';
import type { AllowRule, PeeringRequest } from './types';
import { SETUP_ID_TAG } from '../aws/tags';
import {
  externalIdSchema,
  firstIssue,
  peeringIdSchema,
  regionSchema as region,
  roleArnSchema,
  type InvalidField,
  type Validated,
} from '../validation';
import { NACL_RULE_MAX, resolvedSide, validateResolvedCidrs } from './validate-resolved';

export { resolvedSide, validateResolvedCidrs, type ResolvedSide } from './validate-resolved';

const VPC_PREFIX_MIN = 16;
const VPC_PREFIX_MAX = 28;
const ICMP_MAX = 255;

/** A CIDR for a VPC or a subnet: canonical, and /16 to /28 as AWS allows for both. */
const blockCidr = (what: string) =>
  z.string().superRefine((text, ctx) => {
    const parsed = parseCidr(text);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    else if (parsed.prefix < VPC_PREFIX_MIN || parsed.prefix > VPC_PREFIX_MAX) {
      ctx.addIssue({
        code: 'custom',
        message: `prefix /${parsed.prefix} is outside the /16 to /28 that ${what} allows`,
      });
    }
  });

/** `us-east-1a`, a Local Zone such as `us-west-2-lax-1a`, or a Wavelength Zone such as `us-east-1-wl1-bos-wlz-1`. */
export function isZoneOfRegion(zone: string, region: string): boolean {
  if (!zone.startsWith(region)) return false;
  return /^([a-z]|-[a-z]{3}-\d+[a-z]|-wl\d+-[a-z]+-wlz-\d+)$/.test(zone.slice(region.length));
}

const tagKey = z
  .string()
  .min(1)
  .max(128)
  .refine((k) => !k.toLowerCase().startsWith('aws:'), 'tag keys starting with aws: are reserved by AWS')
  .refine((k) => k !== SETUP_ID_TAG, `${SETUP_ID_TAG} is set by the setup itself`);

const side = z
  .strictObject({
    region,
    cidrBlock: blockCidr('a VPC').optional(),
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
      .array(z.strictObject({ cidrBlock: blockCidr('a subnet'), availabilityZone: z.string().min(1) }))
      .optional(),
    roleArn: roleArnSchema.optional(),
    flowLogsRoleArn: roleArnSchema.optional(),
    externalId: externalIdSchema.optional(),
    routeTableTags: z
      .record(
        tagKey.refine((k) => k !== SETUP_ID_TAG),
        z.string().max(256),
      )
      .refine((t) => Object.keys(t).length > 0, 'must name at least one tag')
      .refine((t) => Object.keys(t).length <= 50, 'at most 50 tags (AWS allows 50 per table)')
      .optional(),
  })
  .superRefine((s, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', message, path });
    if ((s.cidrBlock === undefined) === (s.vpcId === undefined)) {
      issue(['cidrBlock'], 'give exactly one of cidrBlock (create a VPC) or vpcId (use an existing one)');
    }
    if (s.subnets && s.vpcId) issue(['subnets'], 'subnets can only be created with a new VPC (cidrBlock)');
    if (s.routeTableIds && s.cidrBlock) {
      issue(
        ['routeTableIds'],
        'only chooses among the tables of an existing VPC (vpcId); a VPC the setup creates gets the route in every table',
      );
    }
    if (s.routeTableTags && s.routeTableIds) {
      issue(['routeTableTags'], 'give routeTableIds or routeTableTags, not both: each one chooses the tables to route');
    }
    if (s.routeTableTags && s.cidrBlock) {
      issue(
        ['routeTableTags'],
        'only chooses among the tables of an existing VPC (vpcId); a VPC the setup creates has no tagged tables yet',
      );
    }
    if (s.externalId && !s.roleArn) {
      issue(['externalId'], 'is passed to sts:AssumeRole with roleArn; give the role too, or leave it out');
    }
    const vpc = s.cidrBlock ? (parseCidr(s.cidrBlock) as Cidr) : undefined;
    const earlier: Array<{ cidr: Cidr; text: string }> = [];
    s.subnets?.forEach((sub, i) => {
      const c = parseCidr(sub.cidrBlock) as Cidr;
      if (vpc && !contains(vpc, c)) {
        issue(['subnets', i, 'cidrBlock'], `${sub.cidrBlock} is not inside the VPC's ${s.cidrBlock}`);
      }
      const clash = earlier.findIndex((e) => overlaps(e.cidr, c));
      if (clash >= 0) {
        issue(
          ['subnets', i, 'cidrBlock'],
          `${sub.cidrBlock} overlaps subnets[${clash}] (${earlier[clash]!.text}); AWS refuses overlapping subnets`,
        );
      }
      earlier.push({ cidr: c, text: sub.cidrBlock });
      if (!isZoneOfRegion(sub.availabilityZone, s.region)) {
        issue(
          ['subnets', i, 'availabilityZone'],
          `${sub.availabilityZone} is not an availability zone of ${s.region} (like ${s.region}a)`,
        );
      }
    });
  });

const port = z.number().int().min(-1).max(65535);

/** One allowed rule, checked on its own: protocol, ports or ICMP type and code, source. */
export const allowRuleSchema = z
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
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', message, path: [path] });
    if (r.protocol === 'icmp') {
      if (r.fromPort > ICMP_MAX)
        issue('fromPort', `ICMP type ${r.fromPort} is above ${ICMP_MAX} (-1 means every type)`);
      else if (r.toPort > ICMP_MAX) issue('toPort', `ICMP code ${r.toPort} is above ${ICMP_MAX} (-1 means every code)`);
      else if (r.fromPort === -1 && r.toPort !== -1)
        issue('toPort', 'must be -1 when fromPort is -1: every ICMP type means every code too');
    } else if (r.fromPort < 0 || r.toPort < 0) issue('fromPort', 'ports run from 0 to 65535');
    else if (r.fromPort > r.toPort) issue('fromPort', `fromPort ${r.fromPort} is above toPort ${r.toPort}`);
    else if (r.fromPort <= 1 && r.toPort === 65535)
      issue(
        'fromPort',
        `${r.fromPort}-65535 is every ${r.protocol} port, the all-traffic rule in another form; list the ports the application uses`,
      );
    if (r.cidrBlock !== undefined) {
      const c = parseCidr(r.cidrBlock);
      if (typeof c === 'string') issue('cidrBlock', c);
      else if (c.prefix === 0)
        issue('cidrBlock', 'must not be open to 0.0.0.0/0; use the peer CIDR or a range inside it');
    }
  });

const request = z.strictObject({
  requester: side,
  accepter: side,
  allow: z
    .array(allowRuleSchema)
    .min(1, 'must list at least one rule; an empty allow list would open nothing and is almost certainly a mistake'),
  dnsResolution: z.boolean().optional(),
  tags: z
    .record(tagKey, z.string().max(256))
    .refine((t) => Object.keys(t).length <= 40, 'at most 40 tags (AWS allows 50, the setup adds its own)')
    .optional(),
  onFailure: z.enum(['rollback', 'keep']).optional(),
  naclRuleBase: z.number().int().min(1).max(NACL_RULE_MAX).optional(),
  flowLogs: z.boolean().optional(),
  flowLogsRoleArn: roleArnSchema.optional(),
  ipv6: z.boolean().optional(),
  peeringConnectionId: peeringIdSchema.optional(),
});

/**
 * At most this many rule numbers per direction for a peer of `cidrs` CIDRs (IPv6 blocks included):
 * NACL entries each take a rule number from the base upward. The exact count, once both sides'
 * CIDRs are known, comes from the plans.
 */
export function naclRuleCount(allow: AllowRule[], cidrs = 1): number {
  const returnProtocols = new Set(allow.filter((r) => r.protocol !== 'icmp').map((r) => r.protocol));
  return (allow.length + returnProtocols.size) * cidrs;
}

/**
 * Checks the request's shape and every rule that can be decided without AWS. The CIDR checks that
 * need an existing VPC's CIDR run again in {@link validateResolvedCidrs} once it has been read.
 */
export function validatePeeringRequest(input: unknown): Validated<PeeringRequest> {
  const parsed = request.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  const req = parsed.data;
  const fail = (field: string, reason: string): Validated<PeeringRequest> => ({ ok: false, error: { field, reason } });

  if (req.requester.vpcId && req.requester.vpcId === req.accepter.vpcId) {
    return fail('accepter.vpcId', 'is the same VPC as requester.vpcId; a VPC cannot peer with itself');
  }
  if (req.peeringConnectionId) {
    const made = (['requester', 'accepter'] as const).find((role) => !req[role].vpcId);
    if (made) {
      return fail(
        'peeringConnectionId',
        `adopts a peering between two existing VPCs, so both sides must be given by vpcId; ${made} has cidrBlock`,
      );
    }
    if (req.dnsResolution === true) {
      return fail(
        'dnsResolution',
        `is the adopted peering ${req.peeringConnectionId}'s own option, which the setup never changes; set it where the peering is managed, and leave dnsResolution out here`,
      );
    }
  }
  const base = req.naclRuleBase ?? 900;
  if (base + naclRuleCount(req.allow) - 1 > NACL_RULE_MAX) {
    return fail('naclRuleBase', `${base} leaves no room for ${naclRuleCount(req.allow)} rules below ${NACL_RULE_MAX}`);
  }
  const seen = new Set<string>();
  for (const [i, r] of req.allow.entries()) {
    const key = `${r.protocol}:${r.fromPort}:${r.toPort}:${r.cidrBlock ?? ''}`;
    if (seen.has(key)) return fail(`allow[${i}]`, 'repeats an earlier rule');
    seen.add(key);
  }
  const flowLogs = flowLogsError(req);
  if (flowLogs) return { ok: false, error: flowLogs };
  if (req.requester.cidrBlock && req.accepter.cidrBlock) {
    const sides = [resolvedSide(req, 'requester', undefined), resolvedSide(req, 'accepter', undefined)] as const;
    const cidrError = validateResolvedCidrs(sides[0], sides[1], req.allow, base);
    if (cidrError) return { ok: false, error: cidrError };
  }
  return { ok: true, value: req };
}

/** The peering a drill or a cost report is about; shared by both requests. */
export const peeringTargetSchema = z.union(
  [
    z.strictObject({ setupWorkflowId: z.string().min(1, 'must be the setup workflow id') }),
    z.strictObject({
      peeringConnectionId: peeringIdSchema,
      requesterRegion: region,
      accepterRegion: region,
    }),
  ],
  { message: 'give { setupWorkflowId } or { peeringConnectionId, requesterRegion, accepterRegion }' },
);

/** A peering named by id must join two different regions. */
export function peeringRegionsError(peering: z.infer<typeof peeringTargetSchema>): InvalidField | undefined {
  if (!('requesterRegion' in peering) || peering.requesterRegion !== peering.accepterRegion) return undefined;
  return {
    field: 'peering.accepterRegion',
    reason: `is the same as peering.requesterRegion (${peering.requesterRegion})`,
  };
}
