/**
 * The worker's Prometheus endpoint: the real worker process, started as an operator would with
 * METRICS_BIND_ADDRESS, runs a setup; its /metrics then names the SDK's workflow and activity metrics.
 */
import { Client, Connection } from '@temporalio/client';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { testEnv } from '../support/env';
import { uniqueId } from '../support/harness';
import { freePort } from '../../harness/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const REQUEST: PeeringRequest = {
  requester: { region: 'us-east-1', cidrBlock: '10.40.0.0/16', name: 'metrics-primary' },
  accepter: { region: 'eu-west-1', cidrBlock: '10.41.0.0/16', name: 'metrics-dr' },
  allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443, description: 'HTTPS' }],
};

/** `name{labels} value` lines of a Prometheus text exposition, comments left out. */
function samples(text: string): Array<{ name: string; labels: string; value: number }> {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
      return m ? { name: m[1]!, labels: m[2] ?? '', value: Number(m[3]) } : undefined;
    })
    .filter((s): s is { name: string; labels: string; value: number } => s !== undefined);
}

describe('worker Prometheus metrics', () => {
  let worker: WorkerProcess | undefined;
  let connection: Connection | undefined;

  afterAll(async () => {
    await connection?.close();
    await worker?.stop();
  });

  it('GIVEN the worker process with METRICS_BIND_ADDRESS WHEN it has run a setup THEN /metrics reports the completed workflow and its activities for its task queue', async () => {
    const taskQueue = uniqueId('metrics');
    const bind = `127.0.0.1:${await freePort()}`;
    worker = await startWorkerProcess({ taskQueue, env: { METRICS_BIND_ADDRESS: bind } });
    expect(await (await fetch(`http://${bind}/metrics`)).text()).toContain('temporal_worker_start');

    connection = await Connection.connect({ address: testEnv().temporalAddress });
    const client = new Client({ connection });
    const setupId = uniqueId('metrics-setup');
    await client.workflow.execute('SetupInterRegionPeering', { taskQueue, workflowId: setupId, args: [REQUEST] });

    // Core counts a completed workflow once the server has acknowledged the completion, which may be
    // a moment after the client has the result: scrape until it shows, within a bound.
    let scraped: ReturnType<typeof samples> = [];
    for (const deadline = Date.now() + 15_000; ;) {
      const res = await fetch(`http://${bind}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      scraped = samples(await res.text());
      if (scraped.some((s) => s.name === 'temporal_workflow_completed') || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const names = new Set(scraped.map((s) => s.name));
    const ours = (name: string) =>
      scraped.filter((s) => s.name === name && s.labels.includes(`task_queue="${taskQueue}"`));

    for (const name of [
      'temporal_worker_start',
      'temporal_workflow_completed',
      'temporal_workflow_endtoend_latency_count',
      'temporal_workflow_task_execution_latency_count',
      'temporal_workflow_task_schedule_to_start_latency_count',
      'temporal_activity_execution_latency_count',
      'temporal_activity_schedule_to_start_latency_count',
      'temporal_activity_succeed_endtoend_latency_count',
      'temporal_worker_task_slots_available',
      'temporal_num_pollers',
      'temporal_request',
    ]) {
      expect({ name, scraped: names.has(name) }).toEqual({ name, scraped: true });
    }
    const completed = ours('temporal_workflow_completed').filter((s) =>
      s.labels.includes('workflow_type="SetupInterRegionPeering"'),
    );
    expect(completed.reduce((sum, s) => sum + s.value, 0)).toBe(1);
    // Two VPCs are created, one per side: two executions of ensureVpc.
    const ensureVpc = ours('temporal_activity_execution_latency_count').filter((s) =>
      s.labels.includes('activity_type="ensureVpc"'),
    );
    expect(ensureVpc.reduce((sum, s) => sum + s.value, 0)).toBe(2);

    // Leave nothing behind: later tests audit every ACL for entries naming these CIDRs.
    const removed = await client.workflow.execute('TeardownInterRegionPeering', {
      taskQueue,
      workflowId: `${setupId}-teardown`,
      args: [{ setupWorkflowId: setupId }],
    });
    expect(removed).toMatchObject({ deleted: expect.arrayContaining([expect.objectContaining({ type: 'vpc' })]) });
  });
});
