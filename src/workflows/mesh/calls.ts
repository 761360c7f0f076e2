import { proxyActivities } from '@temporalio/workflow';
import { planMesh } from '../../domain/mesh/plan';
import { meshPairs, pairSetupId } from '../../domain/mesh/topology';
import type { MeshPlan, MeshRequest, MeshState } from '../../domain/mesh/types';
import { sideAccess, type RemovalSide, type SideAccess } from '../../domain/aws/access';
import { opt } from '../../domain/objects';
import { lowerQuotas, type RegionQuotas } from '../../domain/aws/quotas';
import { MESH_ID_TAG, setupTags } from '../../domain/aws/tags';
import { invalidInput, roleNotAllowed } from '../failures';
import { EC2_CALL, type Activities } from '../activity-options';
import { type ResourceRef } from '../../domain/aws/resource-ref';
import { FailureTypes } from '../../domain/failure-types';

/** The mesh's own activity calls (its pairs run as child setups), with their Web UI summaries. */
const ec2 = proxyActivities<Activities>(EC2_CALL);

/** The mesh's VPCs grouped by region and account: one read per group, through its role. */
export function regionGroups(
  meshId: string,
  req: MeshRequest,
): Array<{ region: string; access: SideAccess; keys: string[] }> {
  const groups = new Map<string, { region: string; access: SideAccess; keys: string[] }>();
  for (const [key, side] of Object.entries(req.vpcs)) {
    const id = `${side.region}|${side.roleArn ?? ''}|${side.externalId ?? ''}`;
    const group = groups.get(id) ?? { region: side.region, access: sideAccess(side, meshId), keys: [] };
    group.keys.push(key);
    groups.set(id, group);
  }
  return [...groups.values()];
}

/** Every VPC's region and account, for the removal of what the mesh itself made. */
export function meshSides(meshId: string, req: MeshRequest): RemovalSide[] {
  return Object.values(req.vpcs).map((s) => ({ region: s.region, access: sideAccess(s, meshId) }));
}

/**
 * Reads what AWS holds (in every region at once) and plans the mesh. Changes nothing. Every VPC's
 * role makes its first call here, so a role outside the worker's allowlist is bad input before any
 * change.
 */
export async function planMeshNow(meshId: string, req: MeshRequest): Promise<MeshPlan> {
  const pairs = meshPairs(Object.keys(req.vpcs), req.topology);
  const groups = regionGroups(meshId, req);
  const roles = Object.entries(req.vpcs).map(([key, side]): [string, string | undefined] => [
    `vpcs.${key}.roleArn`,
    side.roleArn,
  ]);
  const outsideAllowlist = (err: unknown) => {
    throw roleNotAllowed(FailureTypes.InvalidMeshRequest, err, roles, 'vpcs') ?? err;
  };
  const read = await Promise.all(
    groups.map((g) =>
      ec2.describeMeshRegion.executeWithOptions(
        { summary: `Read ${g.keys.length} VPC(s), their tables, ACLs, peerings and quotas in ${g.region}` },
        [
          {
            region: g.region,
            ...g.access,
            meshId,
            vpcs: g.keys.map((key) => ({
              key,
              ...opt('vpcId', req.vpcs[key]!.vpcId),
              ...opt('routeTableIds', req.vpcs[key]!.routeTableIds),
              ...opt('routeTableTags', req.vpcs[key]!.routeTableTags),
            })),
            pairIds: pairs.filter(([a]) => g.keys.includes(a)).map((p) => pairSetupId(meshId, p)),
          },
        ],
      ),
    ),
  ).catch(outsideAllowlist);
  const state: MeshState = { vpcs: {}, peerings: [] };
  const quotas: Record<string, RegionQuotas> = {};
  read.forEach((r, i) => {
    for (const vpc of r.vpcs) state.vpcs[vpc.key] = vpc;
    state.peerings.push(...r.peerings);
    // Several accounts in one region: the lower value of each quota is the one that binds.
    const region = groups[i]!.region;
    const prev = quotas[region];
    quotas[region] = prev ? lowerQuotas(prev, r.quotas) : r.quotas;
  });
  const planned = planMesh({ meshId, request: req, state, quotas });
  if (!planned.ok) throw invalidInput(FailureTypes.InvalidMeshRequest, planned.error);
  return planned.value;
}

/** Creates one VPC of the mesh (or finds the one an earlier attempt made), tagged with the mesh id. */
export function ensureMeshVpc(meshId: string, req: MeshRequest, key: string) {
  const side = req.vpcs[key]!;
  return ec2.ensureVpc.executeWithOptions({ summary: `Create mesh VPC ${key} ${side.cidrBlock} in ${side.region}` }, [
    {
      side: key,
      region: side.region,
      setupId: meshId,
      cidrBlock: side.cidrBlock!,
      tags: { ...setupTags(meshId, req.tags), [MESH_ID_TAG]: meshId },
      ...opt('name', side.name),
      ...opt('subnets', side.subnets),
      ...sideAccess(side, meshId),
    },
  ]);
}

/** The mesh's own VPCs and subnets, found by its tags in every region of the mesh. */
export async function findMeshVpcs(meshId: string, req: MeshRequest, keys?: string[]): Promise<ResourceRef[]> {
  const found = await Promise.all(
    regionGroups(meshId, req).map((g) =>
      ec2.findMeshVpcs.executeWithOptions({ summary: `Find the VPCs mesh ${meshId} made in ${g.region}` }, [
        { meshId, region: g.region, ...g.access, ...opt('keys', keys) },
      ]),
    ),
  );
  return found.flat();
}

export function readMeshRequest(meshId: string) {
  return ec2.readMeshRequest.executeWithOptions({ summary: `Read mesh ${meshId}'s request` }, [meshId]);
}
