/** Running setups and teardowns from tests, and the GIVEN steps several setup tests share. */
import { CreateVpcCommand, ModifyVpcAttributeCommand } from '@aws-sdk/client-ec2';
import type { WorkflowHandle } from '@temporalio/client';
import type {
  PeeringRequest,
  PeeringResult,
  SetupProgress,
  TeardownRequest,
  TeardownResult,
} from '../../src/domain/peering/types';
import { ec2, uniqueId, type TestWorker } from './harness';

export function startSetup(
  w: TestWorker,
  request: PeeringRequest,
  workflowId = uniqueId('setup'),
): Promise<WorkflowHandle> {
  return w.client.workflow.start('SetupInterRegionPeering', { taskQueue: w.taskQueue, workflowId, args: [request] });
}

export async function runSetup(
  w: TestWorker,
  request: PeeringRequest,
  workflowId = uniqueId('setup'),
): Promise<{ id: string; result: PeeringResult }> {
  const result = (await (await startSetup(w, request, workflowId)).result()) as PeeringResult;
  return { id: workflowId, result };
}

export function startTeardown(w: TestWorker, request: TeardownRequest): Promise<WorkflowHandle> {
  return w.client.workflow.start('TeardownInterRegionPeering', {
    taskQueue: w.taskQueue,
    workflowId: uniqueId('teardown'),
    args: [request],
  });
}

export async function runTeardown(w: TestWorker, request: TeardownRequest): Promise<TeardownResult> {
  return (await (await startTeardown(w, request)).result()) as TeardownResult;
}

/** Waits until the setup's `progress` query names `step`. */
export async function waitForStep(handle: WorkflowHandle, step: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const p = await handle.query<SetupProgress>('progress').catch(() => undefined);
    if (p?.step === step) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run never reached step ${step}`);
}

/**
 * An existing VPC made outside the tool, straight on moto, with DNS support and DNS hostnames on
 * (as a VPC must be before remote DNS resolution can be enabled over a peering).
 */
export async function existingVpc(region: string, cidrBlock: string, dnsHostnames = true): Promise<string> {
  const client = ec2(region);
  const vpcId = (await client.send(new CreateVpcCommand({ CidrBlock: cidrBlock }))).Vpc!.VpcId!;
  if (dnsHostnames) {
    await client.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  }
  return vpcId;
}

const READ_ONLY = /^(Describe|List|Get)/;

/** The mutating AWS calls a worker made since `from` (an index into its `calls`). */
export function mutatingCallsSince(w: TestWorker, from: number): string[] {
  return w.calls
    .slice(from)
    .filter((c) => !READ_ONLY.test(c.operation))
    .map((c) => `${c.region} ${c.operation}`);
}
