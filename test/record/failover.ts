/**
 * Records FailoverToRegion histories from the real dev server into test/histories/failover-*.json,
 * for test/replay.test.ts. Not part of `npm test`: run it by hand after a deliberate
 * change to the workflow, and commit the JSON with the change.
 *
 *   npx ts-node --transpile-only test/record/failover.ts
 *
 * It starts its own Temporal dev server and moto on free ports, and stops them again. Each run's
 * report is printed, so this also shows what a report looks like.
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createActivities, createAwsClients } from '../../src/activities';
import type { FailoverProgress, FailoverRequest } from '../../src/domain/failover-types';
import { MotoFailoverFixture } from '../support/failover-fixture';
import { ROOT, startMoto, startTemporalDevServer } from '../support/stack';

const OUT_DIR = path.join(ROOT, 'test', 'histories');
const TASK_QUEUE = 'record-failover';

/** The replay test passes the same id, derived from the file name. */
export const historyWorkflowId = (name: string) => `failover-${name}`;

async function main(): Promise<void> {
  const [temporal, moto] = await Promise.all([startTemporalDevServer(), startMoto()]);
  try {
    const fixture = new MotoFailoverFixture(moto.url);
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowsPath: path.join(ROOT, 'src', 'workflows'),
      activities: createActivities({
        aws: createAwsClients({
          clientConfig: { endpoint: moto.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
        }),
        temporal: client,
      }),
    });

    const record = async (name: string, request: FailoverRequest, drive?: (h: WorkflowHandle) => Promise<void>) => {
      const handle = await client.workflow.start('FailoverToRegion', {
        taskQueue: TASK_QUEUE,
        workflowId: historyWorkflowId(name),
        args: [request],
      });
      await drive?.(handle);
      const report: unknown = await handle.result();
      const file = path.join(OUT_DIR, `failover-${name}.json`);
      // The proto's own toJSON: int64 as strings, enums by name, as replay's historyFromJSON reads them.
      fs.writeFileSync(file, `${JSON.stringify(await handle.fetchHistory())}\n`);
      console.log(`--- ${name}: ${path.relative(ROOT, file)}\n${JSON.stringify(report, null, 2)}`);
    };
    const approveWhenWaiting = async (handle: WorkflowHandle) => {
      for (let i = 0; i < 100; i++) {
        const p = await handle.query<FailoverProgress>('progress').catch(() => undefined);
        if (p?.awaitingDecision) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1_000));
      await handle.signal('approve', { by: 'recording-script' });
    };

    fs.mkdirSync(OUT_DIR, { recursive: true });
    await worker.runUntil(async () => {
      await record('auto', (await fixture.world('abc-auto')).request);
      await record(
        'signal',
        { ...(await fixture.world('abc-signal')).request, approval: 'signal', approvalTimeout: '5m' },
        approveWhenWaiting,
      );
      await record('drill', { ...(await fixture.world('abc-drill')).request, drill: true });
    });
    await connection.close();
    await nativeConnection.close();
  } finally {
    await Promise.all([temporal.stop(), moto.stop()]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
