import type { MeshRequest, MeshTopology } from './types';
import type { PeeringSide } from '../peering/types';

/** `[a-z0-9-]`, no leading, trailing or doubled hyphen: `--` separates the keys in pair ids. */
export const MESH_KEY_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * The pairs to peer, each `[a, b]` with `a` before `b` in the order of `vpcs`: every pair for a
 * full mesh, the hub with each other VPC for a hub.
 */
export function meshPairs(keys: string[], topology: MeshTopology): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      const a = keys[i]!;
      const b = keys[j]!;
      if (topology === 'full-mesh' || a === topology.hub || b === topology.hub) pairs.push([a, b]);
    }
  }
  return pairs;
}

/** The pair's child `SetupInterRegionPeering` workflow id, which is also its resources' setup tag. */
export function pairSetupId(meshId: string, [a, b]: [string, string]): string {
  return `${meshId}--${a}--${b}`;
}

export function topologyName(topology: MeshTopology): string {
  return topology === 'full-mesh' ? 'full mesh' : `hub ${topology.hub}`;
}

/** The mesh in a line: its size, regions and shape (the parent's summary in the Web UI). */
export function meshSummary(meshId: string, request: MeshRequest): string {
  const sides = Object.values(request.vpcs);
  const regions = new Set(sides.map((s) => s.region)).size;
  const pairs = meshPairs(Object.keys(request.vpcs), request.topology).length;
  return `Mesh ${meshId}: ${sides.length} VPCs in ${regions} region(s), ${pairs} peerings (${topologyName(request.topology)})`;
}

/**
 * A pair's side as its child setup gets it: the mesh's VPC by id, with every other field the side
 * has (roles, route tables, …) passed through as it is.
 */
export function childSide(side: PeeringSide, vpcId: string): PeeringSide {
  const { cidrBlock: _cidr, subnets: _subnets, name: _name, vpcId: _vpcId, ...rest } = side;
  return { ...rest, vpcId };
}
