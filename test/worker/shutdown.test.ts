/**
 * SIGTERM to the real worker process (src/worker.ts) lets the activities in flight finish: the
 * worker stops taking work, waits for them (up to WORKER_SHUTDOWN_GRACE), then exits. Another
 * worker carries the run on from there, with no attempt lost to the shutdown.
 */
import type { PeeringResult, SetupProgress } from '../../src/domain/peering/types';

import { type FaultProxy } from '../../harness/fault-proxy';
import { startSuiteFaultProxy } from '../support/faithful/layer';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { processGroupAlive, stopProcessGroup } from '../../harness/processes';
import { runTeardown } from '../support/setup-runs';
import { waitFor } from '../../harness/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

let proxy: FaultProxy;
let worker: WorkerProcess | undefined;
let successor: TestWorker | undefined;
const taskQueue = uniqueId('shutdown');

beforeAll(async () => {
  proxy = await startSuiteFaultProxy({ seed: 9 });
  worker = await startWorkerProcess({ taskQueue, env: { AWS_ENDPOINT_URL: proxy.url } });
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await successor?.shutdown();
  await proxy?.close();
});

describe('GIVEN a worker process running a setup whose peering provisions for 8 s', () => {
  test('WHEN the worker gets SIGTERM during the wait THEN that activity finishes on it, the worker exits, and another finishes the run', async () => {
    proxy.setRules([{ kind: 'peering-provisioning', seconds: 8 }]);
    successor = await startTestWorker({ endpoint: proxy.url, taskQueue: uniqueId('client-only') });
    const run = await successor.client.workflow.start('SetupInterRegionPeering', {
      taskQueue,
      workflowId: uniqueId('shutdown-setup'),
      args: [
        {
          requester: { region: 'us-east-1', cidrBlock: '10.106.0.0/16' },
          accepter: { region: 'eu-west-1', cidrBlock: '10.107.0.0/16' },
          allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
        },
      ],
    });
    await waitFor(async () => (await run.query<SetupProgress>('progress')).step === 'establish-peering', {
      what: 'the setup to reach establish-peering',
      timeoutMs: 60_000,
    });
    await waitFor(() => (proxy.stats().injected['peering-provisioning'] ?? 0) > 0, {
      what: 'the active-wait to see provisioning',
      timeoutMs: 30_000,
    });

    const { pid, identity } = worker!;
    const signalled = Date.now();
    process.kill(-pid, 'SIGTERM');
    await waitFor(() => !processGroupAlive(pid), { what: 'the worker to exit after SIGTERM', timeoutMs: 90_000 });
    const exitedAfter = Date.now() - signalled;
    worker = undefined;

    await successor.shutdown();
    successor = await startTestWorker({ endpoint: proxy.url, taskQueue });
    const handle = successor.client.workflow.getHandle(run.workflowId);
    const result = (await handle.result()) as PeeringResult;
    expect(result.status).toBe('active');

    const events = (await handle.fetchHistory()).events ?? [];
    const establish = events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'establishPeering',
    );
    const started = events.find(
      (e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId) === Number(establish?.eventId),
    )?.activityTaskStartedEventAttributes;
    const completed = events.find(
      (e) => Number(e.activityTaskCompletedEventAttributes?.scheduledEventId) === Number(establish?.eventId),
    );
    expect({ attempt: started?.attempt, identity: started?.identity, completed: completed !== undefined }).toEqual({
      attempt: 1,
      identity,
      completed: true,
    });
    // It waited for the activity (about 8 s of provisioning), not for the whole grace period.
    expect(exitedAfter).toBeLessThan(60_000);
    await stopProcessGroup(pid).catch(() => undefined);
    proxy.clearRules();
    await runTeardown(successor, { setupWorkflowId: handle.workflowId });
  }, 240_000);
});
