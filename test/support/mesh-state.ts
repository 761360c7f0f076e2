/** Running meshes in tests, and reading what a mesh left in moto, straight from moto. */
import {
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  type Tag,
} from '@aws-sdk/client-ec2';
import { meshSummary } from '../../src/domain/mesh/topology';
import type { MeshRequest, MeshResult } from '../../src/domain/mesh/types';
import { MESH_ID_TAG, SETUP_ID_TAG } from '../../src/domain/aws/tags';
import type { TeardownResult } from '../../src/domain/peering/types';
import { ec2, type TestWorker } from './harness';

export const MESH_REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-1', 'us-west-2'];

export function startMesh(w: TestWorker, request: MeshRequest, meshId: string) {
  return w.client.workflow.start('SetupPeeringMesh', {
    taskQueue: w.taskQueue,
    workflowId: meshId,
    args: [request],
    // What `mesh setup` sets, so the Web UI names the mesh and its size.
    staticSummary: meshSummary(meshId, request),
  });
}

export async function runMesh(w: TestWorker, request: MeshRequest, meshId: string): Promise<MeshResult> {
  return (await startMesh(w, request, meshId)).result() as Promise<MeshResult>;
}

export function teardownMesh(w: TestWorker, meshId: string, workflowId: string): Promise<TeardownResult> {
  return w.client.workflow.execute('TeardownPeeringMesh', {
    taskQueue: w.taskQueue,
    workflowId,
    args: [{ meshWorkflowId: meshId }],
  }) as Promise<TeardownResult>;
}

/** The mesh's own tag, or the setup tag of the mesh or of one of its pairs. */
function ofMesh(tags: Tag[] | undefined, meshId: string): boolean {
  return (tags ?? []).some(
    (t) =>
      (t.Key === MESH_ID_TAG && t.Value === meshId) ||
      (t.Key === SETUP_ID_TAG && (t.Value === meshId || t.Value?.startsWith(`${meshId}--`))),
  );
}

/**
 * Everything in the regions that still belongs to the mesh: VPCs, subnets, groups and live
 * peerings carrying its tags, routes through its peerings, and NACL entries for its peers' CIDRs
 * in VPCs that remain. Empty once a mesh is gone.
 */
export async function meshLeftovers(meshId: string, peerCidrs: string[], regions = MESH_REGIONS): Promise<string[]> {
  const out: string[] = [];
  for (const region of regions) {
    const c = ec2(region);
    const [vpcs, subnets, groups, peerings, tables, acls] = await Promise.all([
      c.send(new DescribeVpcsCommand({})),
      c.send(new DescribeSubnetsCommand({})),
      c.send(new DescribeSecurityGroupsCommand({})),
      c.send(new DescribeVpcPeeringConnectionsCommand({})),
      c.send(new DescribeRouteTablesCommand({})),
      c.send(new DescribeNetworkAclsCommand({})),
    ]);
    const live = (peerings.VpcPeeringConnections ?? []).filter(
      (p) => ofMesh(p.Tags, meshId) && !['deleted', 'rejected', 'deleting'].includes(p.Status?.Code ?? ''),
    );
    const allMesh = (peerings.VpcPeeringConnections ?? []).filter((p) => ofMesh(p.Tags, meshId));
    const pcxIds = new Set(allMesh.map((p) => p.VpcPeeringConnectionId!));
    out.push(
      ...(vpcs.Vpcs ?? []).filter((v) => ofMesh(v.Tags, meshId)).map((v) => `${region} vpc ${v.VpcId}`),
      ...(subnets.Subnets ?? []).filter((s) => ofMesh(s.Tags, meshId)).map((s) => `${region} subnet ${s.SubnetId}`),
      ...(groups.SecurityGroups ?? []).filter((g) => ofMesh(g.Tags, meshId)).map((g) => `${region} sg ${g.GroupId}`),
      ...live.map((p) => `${region} peering ${p.VpcPeeringConnectionId} ${p.Status?.Code}`),
      ...(tables.RouteTables ?? []).flatMap((t) =>
        (t.Routes ?? [])
          .filter((r) => r.VpcPeeringConnectionId && pcxIds.has(r.VpcPeeringConnectionId))
          .map((r) => `${region} route ${t.RouteTableId} ${r.DestinationCidrBlock}`),
      ),
      ...(acls.NetworkAcls ?? []).flatMap((a) =>
        (a.Entries ?? [])
          .filter((e) => e.RuleNumber !== 32767 && peerCidrs.includes(e.CidrBlock ?? ''))
          .map((e) => `${region} nacl ${a.NetworkAclId} ${e.Egress ? 'egress' : 'ingress'} ${e.RuleNumber}`),
      ),
    );
  }
  return out.sort();
}

/** A VPC's route tables, read in its own region. */
export async function tablesOf(region: string, vpcId: string) {
  const out = await ec2(region).send(
    new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
  );
  return (out.RouteTables ?? []).filter((t) => t.VpcId === vpcId);
}

/** The keys a VPC of the result is peered with, and through which peering. */
export function peersOf(result: MeshResult, key: string): Array<{ peer: string; pcx: string }> {
  return result.peerings
    .filter((p) => p.between.includes(key))
    .map((p) => ({ peer: p.between[0] === key ? p.between[1] : p.between[0], pcx: p.peeringConnectionId }));
}

/** Every table of the VPC routes exactly its peers' CIDRs, each through its own peering. */
export async function expectRoutedExactly(result: MeshResult, key: string): Promise<void> {
  const own = result.vpcs[key]!;
  const expected = peersOf(result, key)
    .map(({ peer, pcx }) => `${result.vpcs[peer]!.cidrBlock} ${pcx}`)
    .sort();
  const tables = await tablesOf(own.region, own.vpcId);
  expect(tables.length).toBeGreaterThan(0);
  for (const t of tables) {
    const routed = (t.Routes ?? [])
      .filter((r) => r.VpcPeeringConnectionId)
      .map((r) => `${r.DestinationCidrBlock} ${r.VpcPeeringConnectionId}`)
      .sort();
    expect({ vpc: key, table: t.RouteTableId, routed }).toEqual({ vpc: key, table: t.RouteTableId, routed: expected });
  }
}
