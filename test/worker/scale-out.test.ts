/**
 * Scaling out is just more worker processes on the same task queue: Temporal hands each task to
 * whichever worker polls first. Two real worker processes, several setups at once, and the
 * activities' history events name both workers.
 */
import { Client, Connection } from '@temporalio/client';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { testEnv } from '../support/env';
import { uniqueId } from '../support/harness';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const RUNS = 6;

function request(i: number): PeeringRequest {
  return {
    requester: { region: 'us-east-1', cidrBlock: `10.${60 + 2 * i}.0.0/16`, name: `scale-${i}-a` },
    accepter: { region: 'eu-west-1', cidrBlock: `10.${61 + 2 * i}.0.0/16`, name: `scale-${i}-b` },
    allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
  };
}

describe('two worker processes on one task queue', () => {
  const workers: WorkerProcess[] = [];
  let connection: Connection | undefined;

  afterAll(async () => {
    await connection?.close();
    await Promise.all(workers.map((w) => w.stop()));
  });

  it('GIVEN two worker processes polling the same task queue WHEN several setups run at once THEN activity tasks are started by both workers and every setup completes', async () => {
    const taskQueue = uniqueId('scale-out');
    workers.push(...(await Promise.all([startWorkerProcess({ taskQueue }), startWorkerProcess({ taskQueue })])));
    expect(new Set(workers.map((w) => w.identity)).size).toBe(2);
    connection = await Connection.connect({ address: testEnv().temporalAddress });
    const client = new Client({ connection });

    const handles = await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        client.workflow.start('SetupInterRegionPeering', {
          taskQueue,
          workflowId: uniqueId(`scale-out-${i}`),
          args: [request(i)],
        }),
      ),
    );
    await Promise.all(handles.map((h) => h.result()));

    const startedBy = new Map<string, number>();
    for (const handle of handles) {
      const { events } = await handle.fetchHistory();
      for (const e of events ?? []) {
        const identity = e.activityTaskStartedEventAttributes?.identity;
        if (identity) startedBy.set(identity, (startedBy.get(identity) ?? 0) + 1);
      }
    }
    const counts = Object.fromEntries(workers.map((w) => [w.identity, startedBy.get(w.identity) ?? 0]));
    expect([...startedBy.keys()].sort()).toEqual(workers.map((w) => w.identity).sort());
    for (const w of workers)
      expect({ worker: w.identity, tookWork: counts[w.identity]! > 0 }).toEqual({ worker: w.identity, tookWork: true });
  });
});
