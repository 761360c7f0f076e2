/**
 * The bench's correctness check, behind the AWS-faithful layer. The timed runs use raw moto, so
 * that the layer's lags are not counted as orchestration cost; then one setup, its re-run and its
 * teardown run on a worker whose AWS is the layer in front of the same moto (eventual
 * consistency, dependencies, batches, quotas, DNS rules, peering lifecycle, small pages), and moto
 * is audited directly: the setup ended active, the re-run found the same peering, and the teardown
 * left nothing tagged with the setup id and no live peering.
 */
import { DescribeVpcPeeringConnectionsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { type Client } from '@temporalio/client';
import type { PeeringRequest, PeeringResult, TeardownResult } from '../src/domain/peering/types';
import { SETUP_ID_TAG } from '../src/domain/aws/tags';
import { SUITE_PROFILE } from '../harness/faithful';
import { startFaultProxy } from '../harness/fault-proxy';
import { RUN_TIMEOUT_MS } from './config';
import { CREDENTIALS, startInProcessWorker } from './in-process-worker';
import { withTimeout } from './kit';

export interface FaithfulCheck {
  passed: boolean;
  detail: string;
}

async function leftovers(motoUrl: string, request: PeeringRequest, setupId: string): Promise<string[]> {
  const tagged = { Filters: [{ Name: `tag:${SETUP_ID_TAG}`, Values: [setupId] }] };
  const found: string[] = [];
  for (const region of [request.requester.region, request.accepter.region]) {
    const ec2 = new EC2Client({ region, endpoint: motoUrl, credentials: CREDENTIALS });
    found.push(...((await ec2.send(new DescribeVpcsCommand(tagged))).Vpcs ?? []).map((v) => v.VpcId!));
    // moto ignores the filter here, so the tag is checked in code.
    const peerings = (await ec2.send(new DescribeVpcPeeringConnectionsCommand({}))).VpcPeeringConnections ?? [];
    found.push(
      ...peerings
        .filter((p) => p.Tags?.some((t) => t.Key === SETUP_ID_TAG && t.Value === setupId))
        .filter((p) => !['deleted', 'deleting', 'rejected', 'failed'].includes(p.Status?.Code ?? ''))
        .map((p) => `${p.VpcPeeringConnectionId} (${p.Status?.Code})`),
    );
    ec2.destroy();
  }
  return [...new Set(found)];
}

export async function faithfulCheck(o: {
  request: PeeringRequest;
  motoUrl: string;
  temporalAddress: string;
  client: Client;
}): Promise<FaithfulCheck> {
  const layer = await startFaultProxy({ target: o.motoUrl, faithful: SUITE_PROFILE });
  const worker = await startInProcessWorker({
    temporalAddress: o.temporalAddress,
    motoUrl: layer.url,
    taskQueue: `bench-faithful-${process.pid}`,
    client: o.client,
  });
  const setupId = `bench-faithful-${process.pid}`;
  const run = <T>(type: string, id: string, args: unknown[]) =>
    withTimeout(
      `${type} ${id}`,
      o.client.workflow.execute<(...a: unknown[]) => Promise<T>>(type, {
        taskQueue: worker.taskQueue,
        workflowId: id,
        args,
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      }),
      RUN_TIMEOUT_MS,
    );
  try {
    const first = await run<PeeringResult>('SetupInterRegionPeering', setupId, [o.request]);
    if (first.status !== 'active') return { passed: false, detail: `setup ended ${first.status}` };
    const rerun = await run<PeeringResult>('SetupInterRegionPeering', setupId, [o.request]);
    if (rerun.peeringConnectionId !== first.peeringConnectionId) {
      return { passed: false, detail: `re-run made ${rerun.peeringConnectionId}, not ${first.peeringConnectionId}` };
    }
    const down = await run<TeardownResult>('TeardownInterRegionPeering', `${setupId}-teardown`, [
      { setupWorkflowId: setupId },
    ]);
    const left = await leftovers(o.motoUrl, o.request, setupId);
    if (left.length) return { passed: false, detail: `teardown left ${left.join(', ')}` };
    return {
      passed: true,
      detail: `setup active, re-run found ${first.peeringConnectionId}, teardown deleted ${down.deleted.length} and left nothing`,
    };
  } catch (err) {
    // A failed workflow's own message says only that; the reason is its cause's.
    const e = err as Error & { cause?: Error };
    return { passed: false, detail: (e.cause?.message ?? e.message).split('\n')[0] ?? String(err) };
  } finally {
    await worker.shutdown();
    await layer.close();
  }
}
