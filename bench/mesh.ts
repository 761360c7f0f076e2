/**
 * (g) A full mesh of BENCH_MESH_VPCS (default 10) VPCs, two per region in five regions (45
 * peerings): SetupPeeringMesh's wall time against the same pairs set up by single setups one after
 * another, in the same run on the same in-process worker; the parent's history; the EC2 calls.
 */
import { CreateVpcCommand, DescribeVpcsCommand, EC2Client, ModifyVpcAttributeCommand } from '@aws-sdk/client-ec2';
import type { Client } from '@temporalio/client';
import type { MeshRequest, MeshResult } from '../src/domain/mesh/types';
import type { PeeringRequest, TeardownResult } from '../src/domain/peering/types';
import { cpuDuring } from './burst';
import { log, RUN_TIMEOUT_MS } from './config';
import { CREDENTIALS, type InProcessWorker } from './in-process-worker';
import { withTimeout, type BenchKit } from './kit';
import { historyStats, type CallCount } from './measure';
import { ms } from './report';

const REGIONS: Record<string, string> = {
  'us-east-1': 'use1',
  'eu-west-1': 'euw1',
  'ap-northeast-1': 'apne1',
  'us-west-2': 'usw2',
  'eu-central-1': 'euc1',
};
export const MESH_VPCS = Number(process.env.BENCH_MESH_VPCS ?? 10);

export interface MeshBench {
  vpcs: number;
  regions: number;
  pairs: number;
  maxConcurrent: number;
  meshMs: number;
  /** The same pairs as single setups one after another, between VPCs made beforehand (not timed). */
  sequentialMs: number;
  /** meshMs / sequentialMs */
  ratio: number;
  parentEvents: number;
  parentHistoryKb: number;
  parentRuns: number;
  childEventsMedian: number;
  meshCalls: CallCount;
  sequentialCalls: CallCount;
  teardownMs: number;
  teardownCalls: CallCount;
  /** CPU seconds of moto, the dev server and the bench process (which holds the worker) in each. */
  cpuSeconds: { mesh: Record<string, number>; sequential: Record<string, number> };
}

function meshRequest(allow: PeeringRequest['allow']): MeshRequest {
  const vpcs: MeshRequest['vpcs'] = {};
  const regions = Object.keys(REGIONS);
  for (let i = 0; i < MESH_VPCS; i++) {
    const region = regions[i % regions.length]!;
    vpcs[`${REGIONS[region]}-${Math.floor(i / regions.length)}`] = { region, cidrBlock: `10.${100 + i}.0.0/16` };
  }
  return { vpcs, topology: 'full-mesh', allow, maxConcurrent: 4 };
}

export async function runMeshBench(o: {
  kit: BenchKit;
  client: Client;
  inProc: InProcessWorker;
  motoUrl: string;
  allow: PeeringRequest['allow'];
  pids: Record<string, number>;
}): Promise<MeshBench> {
  const { kit, client, inProc } = o;
  const request = meshRequest(o.allow);
  const clients = Object.fromEntries(
    Object.keys(REGIONS).map((r) => [r, new EC2Client({ region: r, endpoint: o.motoUrl, credentials: CREDENTIALS })]),
  );
  const fresh = async () => {
    await kit.fresh();
    await Promise.all(Object.values(clients).map((c) => c.send(new DescribeVpcsCommand({}))));
  };
  const execute = <T>(type: string, workflowId: string, args: unknown[]) =>
    withTimeout(
      `${type} ${workflowId}`,
      client.workflow.execute(type, { taskQueue: inProc.taskQueue, workflowId, args }) as Promise<T>,
      RUN_TIMEOUT_MS * 5,
    );

  await fresh();
  const meshId = `bench-mesh-${process.pid}`;
  log(`(g) mesh: ${MESH_VPCS} VPCs in ${Object.keys(REGIONS).length} regions, full mesh`);
  const mesh = await cpuDuring(o.pids, () =>
    kit.counted(inProc.calls, () => execute<MeshResult>('SetupPeeringMesh', meshId, [request])),
  );
  const history = await client.workflow.getHandle(meshId).fetchHistory();
  const childEvents = await Promise.all(
    mesh.out.peerings.slice(0, 5).map(async (p) => {
      return historyStats(await client.workflow.getHandle(p.setupWorkflowId).fetchHistory()).events;
    }),
  );
  let parentRuns = 0;
  for await (const _ of client.workflow.list({ query: `WorkflowId = "${meshId}"` })) parentRuns++;
  log(`(g) mesh of ${mesh.out.peerings.length} peerings in ${ms(mesh.ms)}; tearing it down`);
  const down = await kit.counted(inProc.calls, () =>
    execute<TeardownResult>('TeardownPeeringMesh', `${meshId}-teardown`, [{ meshWorkflowId: meshId }]),
  );

  await fresh();
  const vpcIds: Record<string, string> = {};
  for (const [key, side] of Object.entries(request.vpcs)) {
    const made = await clients[side.region]!.send(new CreateVpcCommand({ CidrBlock: side.cidrBlock }));
    vpcIds[key] = made.Vpc!.VpcId!;
    // Remote DNS over a peering needs DNS hostnames on an existing VPC too (the setup checks).
    await clients[side.region]!.send(
      new ModifyVpcAttributeCommand({ VpcId: vpcIds[key], EnableDnsHostnames: { Value: true } }),
    );
  }
  log(`(g) the same ${mesh.out.plan.pairs.length} pairs as single setups, one after another`);
  const sequential = await cpuDuring(o.pids, () =>
    kit.counted(inProc.calls, async () => {
      for (const pair of mesh.out.plan.pairs) {
        const [a, b] = pair.between;
        const single: PeeringRequest = {
          requester: { region: request.vpcs[a]!.region, vpcId: vpcIds[a]! },
          accepter: { region: request.vpcs[b]!.region, vpcId: vpcIds[b]! },
          allow: request.allow,
          naclRuleBase: pair.naclRuleBase,
        };
        await execute('SetupInterRegionPeering', `bench-single-${process.pid}-${a}-${b}`, [single]);
      }
    }),
  );
  const sortedChildren = [...childEvents].sort((x, y) => x - y);
  return {
    vpcs: MESH_VPCS,
    regions: new Set(Object.values(request.vpcs).map((v) => v.region)).size,
    pairs: mesh.out.peerings.length,
    maxConcurrent: request.maxConcurrent!,
    meshMs: mesh.ms,
    sequentialMs: sequential.ms,
    ratio: mesh.ms / sequential.ms,
    parentEvents: history.events?.length ?? 0,
    parentHistoryKb: Math.round(JSON.stringify(history).length / 1024),
    parentRuns,
    childEventsMedian: sortedChildren[Math.floor(sortedChildren.length / 2)] ?? 0,
    meshCalls: mesh.calls,
    sequentialCalls: sequential.calls,
    teardownMs: down.ms,
    teardownCalls: down.calls,
    cpuSeconds: { mesh: mesh.cpuSeconds, sequential: sequential.cpuSeconds },
  };
}

export function printMeshBench(m: MeshBench): void {
  const perPair = (c: CallCount) => (c.total / m.pairs).toFixed(1);
  console.log(
    `\n(g) Mesh: ${m.vpcs} VPCs in ${m.regions} regions, ${m.pairs} peerings, ${m.maxConcurrent} pairs at once (in-process worker)`,
  );
  console.log(`  SetupPeeringMesh                     ${ms(m.meshMs)} (plan, ${m.vpcs} VPCs, ${m.pairs} child setups)`);
  console.log(`  ${m.pairs} single setups, one at a time      ${ms(m.sequentialMs)} (VPCs made beforehand, not timed)`);
  console.log(`  mesh / sequential                    ${m.ratio.toFixed(2)}`);
  console.log(
    `  parent history                       ${m.parentEvents} events, ${m.parentHistoryKb} KB, ${m.parentRuns} run(s) (continue-as-new after 100 pairs); a child's ${m.childEventsMedian} events`,
  );
  console.log(
    `  EC2 calls                            mesh ${m.meshCalls.total} (${m.meshCalls.mutating} mutating, ${perPair(m.meshCalls)} per pair); sequential ${m.sequentialCalls.total} (${m.sequentialCalls.mutating} mutating, ${perPair(m.sequentialCalls)} per pair)`,
  );
  console.log(
    `  TeardownPeeringMesh                  ${ms(m.teardownMs)}, ${m.teardownCalls.total} EC2 calls (${m.teardownCalls.mutating} mutating)`,
  );
  const cpu = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  console.log(`  CPU seconds: mesh: ${cpu(m.cpuSeconds.mesh)}; sequential: ${cpu(m.cpuSeconds.sequential)}`);
}
