import { z } from 'zod';
import { overlaps, parseCidr } from './cidr';
import { MESH_KEY_RE } from './mesh-topology';
import type { MeshRequest } from './mesh-types';
import { OUTSTANDING_PEERING_REQUESTS } from './quotas';
import { MESH_ID_TAG } from './tags';
import type { PeeringRequest } from './types';
import { validatePeeringRequest } from './validate-peering';
import { firstIssue, type InvalidField, type Validated } from './validation';

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
});

/** A setup's `requester.x` / `accepter.x` is the mesh's `vpcs.<key>.x`. */
function asMeshField(error: InvalidField, requester: string, accepter: string): InvalidField {
  const field = error.field
    .replace(/^requester(?=\.|$)/, `vpcs.${requester}`)
    .replace(/^accepter(?=\.|$)/, `vpcs.${accepter}`);
  return { field, reason: error.reason };
}

/** Checks between VPCs that a single setup cannot see: the same VPC twice, overlapping CIDRs. */
export function crossVpcIssue(vpcs: Record<string, { vpcId?: string; cidrBlock?: string }>): InvalidField | undefined {
  const keys = Object.keys(vpcs);
  for (let i = 0; i < keys.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = vpcs[keys[j]!]!;
      const b = vpcs[keys[i]!]!;
      if (a.vpcId && a.vpcId === b.vpcId)
        return { field: `vpcs.${keys[i]}.vpcId`, reason: `is the same VPC as vpcs.${keys[j]}` };
      const ca = a.cidrBlock ? parseCidr(a.cidrBlock) : undefined;
      const cb = b.cidrBlock ? parseCidr(b.cidrBlock) : undefined;
      if (ca && cb && typeof ca !== 'string' && typeof cb !== 'string' && overlaps(ca, cb)) {
        return {
          field: `vpcs.${keys[i]}.cidrBlock`,
          reason: `${b.cidrBlock} overlaps vpcs.${keys[j]} (${a.cidrBlock}); peered VPCs' CIDRs must not overlap, and a hub could not route both`,
        };
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
