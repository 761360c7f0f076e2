import { z } from 'zod';
import { overlaps, parseCidr, type Cidr } from '../net/cidr';
import { MESH_KEY_RE } from './topology';
import type { MeshRequest } from './types';
import { OUTSTANDING_PEERING_REQUESTS } from '../aws/quotas';
import { MESH_ID_TAG } from '../aws/tags';
import type { PeeringRequest } from '../peering/types';
import { validatePeeringRequest } from '../peering/validate';
import { firstIssue, type InvalidField, type Validated } from '../validation';

const NACL_RULE_MAX = 32766;

/** The mesh's own fields; sides, rules and tags are checked as a setup checks them, below. */
const shape = z.strictObject({
  vpcs: z
    .record(
      z
        .string()
        .max(40)
        .regex(MESH_KEY_RE, 'keys are made of a-z, 0-9 and single hyphens (-- separates keys in pair ids)'),
      z.unknown(),
    )
    .refine((v) => Object.keys(v).length >= 2, 'a mesh needs at least two VPCs'),
  topology: z.union([z.literal('full-mesh'), z.strictObject({ hub: z.string() })], {
    message: 'must be "full-mesh" or { "hub": "<key>" }',
  }),
  allow: z.array(z.unknown()),
  dnsResolution: z.unknown().optional(),
  tags: z.unknown().optional(),
  maxConcurrent: z
    .number()
    .int()
    .min(1)
    .max(OUTSTANDING_PEERING_REQUESTS, `at most ${OUTSTANDING_PEERING_REQUESTS}, AWS's outstanding requests per VPC`)
    .optional(),
  onFailure: z.unknown().optional(),
  naclRuleBase: z.number().int().min(1).max(NACL_RULE_MAX).optional(),
  pairsPerRun: z.number().int().min(1).max(1000).optional(),
  // Named here only to be refused with a reason below, rather than as an unknown key.
  ipv6: z.unknown().optional(),
});

/** A setup's `requester.x` / `accepter.x` is the mesh's `vpcs.<key>.x`. */
function asMeshField(error: InvalidField, requester: string, accepter: string): InvalidField {
  const field = error.field
    .replace(/^requester(?=\.|$)/, `vpcs.${requester}`)
    .replace(/^accepter(?=\.|$)/, `vpcs.${accepter}`);
  return { field, reason: error.reason };
}

/**
 * Checks between VPCs that a single setup cannot see: the same VPC twice, overlapping CIDRs (every
 * IPv4 CIDR of an existing VPC, once read).
 */
export function crossVpcIssue(
  vpcs: Record<string, { vpcId?: string; cidrBlock?: string; cidrBlocks?: string[] }>,
): InvalidField | undefined {
  const keys = Object.keys(vpcs);
  const cidrsOf = (v: { cidrBlock?: string; cidrBlocks?: string[] }) =>
    (v.cidrBlocks ?? (v.cidrBlock ? [v.cidrBlock] : []))
      .map((text) => ({ text, cidr: parseCidr(text) }))
      .filter((c): c is { text: string; cidr: Cidr } => typeof c.cidr !== 'string');
  for (let i = 0; i < keys.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = vpcs[keys[j]!]!;
      const b = vpcs[keys[i]!]!;
      if (a.vpcId && a.vpcId === b.vpcId)
        return { field: `vpcs.${keys[i]}.vpcId`, reason: `is the same VPC as vpcs.${keys[j]}` };
      for (const cb of cidrsOf(b)) {
        const ca = cidrsOf(a).find((c) => overlaps(c.cidr, cb.cidr));
        if (ca) {
          return {
            field: `vpcs.${keys[i]}.cidrBlock`,
            reason: `${cb.text} overlaps vpcs.${keys[j]} (${ca.text}); peered VPCs' CIDRs must not overlap, and a hub could not route both`,
          };
        }
      }
    }
  }
  return undefined;
}

/**
 * Checks everything that can be decided without AWS. Each VPC is checked as a setup side, and the
 * rules and tags as a setup's, so a mesh side takes exactly the fields a setup side takes.
 */
export function validateMeshRequest(input: unknown): Validated<MeshRequest> {
  const parsed = shape.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  const req = input as MeshRequest;
  if ((input as { ipv6?: unknown }).ipv6 !== undefined) {
    return {
      ok: false,
      error: {
        field: 'ipv6',
        reason:
          "is not planned for meshes: the planner counts IPv4 routes, rules and entries per VPC, and IPv6 ones are counted apart against their own quotas; peer IPv6 pairs one at a time with SetupInterRegionPeering's ipv6",
      },
    };
  }
  const keys = Object.keys(req.vpcs);
  if (typeof req.topology === 'object' && !keys.includes(req.topology.hub)) {
    return { ok: false, error: { field: 'topology.hub', reason: `"${req.topology.hub}" is not one of vpcs` } };
  }
  const narrowed = req.allow.findIndex((r) => typeof r === 'object' && r !== null && 'cidrBlock' in r);
  if (narrowed >= 0) {
    return {
      ok: false,
      error: {
        field: `allow[${narrowed}].cidrBlock`,
        reason: 'is not supported in a mesh: every pair admits the whole peer CIDR',
      },
    };
  }
  if (req.tags && typeof req.tags === 'object' && MESH_ID_TAG in req.tags) {
    return { ok: false, error: { field: 'tags', reason: `${MESH_ID_TAG} is set by the mesh itself` } };
  }
  for (const [i, key] of keys.entries()) {
    const peer = keys[(i + 1) % keys.length]!;
    const asSetup: PeeringRequest = {
      requester: req.vpcs[key]!,
      accepter: req.vpcs[peer]!,
      allow: req.allow,
      ...(req.dnsResolution === undefined ? {} : { dnsResolution: req.dnsResolution }),
      ...(req.tags === undefined ? {} : { tags: req.tags }),
      ...(req.onFailure === undefined ? {} : { onFailure: req.onFailure }),
    };
    // The cross-VPC checks below say it better for the whole mesh.
    if (crossVpcIssue({ [key]: asSetup.requester, [peer]: asSetup.accepter })) continue;
    const checked = validatePeeringRequest(asSetup);
    if (!checked.ok) return { ok: false, error: asMeshField(checked.error, key, peer) };
  }
  const cross = crossVpcIssue(req.vpcs);
  if (cross) return { ok: false, error: cross };
  return { ok: true, value: req };
}
