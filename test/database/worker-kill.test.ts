/**
 * A worker killed (SIGKILL, as a crashed host) while a protection waits for RDS, and while a
 * re-protection renames the old primary: another worker carries each run on, and there is still
 * exactly one replica, one retired instance, the report, and no database deleted.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { ProtectionProgress, ProtectionReport } from '../../src/domain/database/types';
import { type FaultProxy } from '../../harness/fault-proxy';
import { processGroupAlive, stopProcessGroup } from '../../harness/processes';
import { waitFor } from '../../harness/stack';
import { afterFailover } from '../support/database/after-failover';
import {
  createNetwork,
  createSource,
  DR_REGION,
  instance,
  instanceIds,
  putLag,
  SOURCE_REGION,
} from '../support/database/world';
import { startSuiteFaultProxy } from '../support/faithful/layer';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

jest.setTimeout(400_000);

let proxy: FaultProxy;
let client: TestWorker;
const workers: TestWorker[] = [];
let doomed: WorkerProcess | undefined;

beforeAll(async () => {
  proxy = await startSuiteFaultProxy({ seed: 11 });
  client = await startTestWorker({ endpoint: proxy.url, taskQueue: uniqueId('client-only') });
});
afterAll(async () => {
  await doomed?.stop();
  for (const w of workers) await w.shutdown();
  await client?.shutdown();
  await proxy?.close();
});

/** Starts the real worker as a process on its own task queue, to be killed. */
async function workerToKill(): Promise<{ taskQueue: string; worker: WorkerProcess }> {
  const taskQueue = uniqueId('kill');
  doomed = await startWorkerProcess({ taskQueue, env: { AWS_ENDPOINT_URL: proxy.url } });
  return { taskQueue, worker: doomed };
}

async function kill(worker: WorkerProcess): Promise<void> {
  await stopProcessGroup(worker.pid, { signal: 'SIGKILL' });
  await waitFor(() => !processGroupAlive(worker.pid), { what: 'the killed worker to be gone', timeoutMs: 30_000 });
  doomed = undefined;
}

async function until(handle: WorkflowHandle, done: (p: ProtectionProgress) => boolean): Promise<void> {
  await waitFor(async () => done(await handle.query<ProtectionProgress>('progress')), {
    what: `${handle.workflowId} to get there`,
    timeoutMs: 120_000,
    intervalMs: 200,
  });
}

describe('GIVEN a worker process that is killed mid-run', () => {
  test('WHEN it dies while a protection waits for the replica being created THEN another worker finishes it: one replica, and the report', async () => {
    const { taskQueue, worker } = await workerToKill();
    const net = await createNetwork(225);
    const source = await createSource(uniqueId('kill-db'));
    const replicaId = `${source.DBInstanceIdentifier}-replica`;
    await putLag(replicaId, 1);
    proxy.timing.rds.creatingMs = 15_000;
    const handle = await client.client.workflow.start('ProtectDatabase', {
      taskQueue,
      workflowId: uniqueId('kill-protect'),
      args: [
        {
          source: { region: SOURCE_REGION, dbInstanceIdentifier: source.DBInstanceIdentifier },
          replica: {
            region: DR_REGION,
            dbInstanceIdentifier: replicaId,
            network: { vpcId: net.vpcId, subnetIds: net.subnetIds },
          },
        },
      ],
    });
    await until(handle, (p) => p.step === 'replicating' && p.replica?.status === 'creating');

    await kill(worker);
    workers.push(await startTestWorker({ endpoint: proxy.url, taskQueue }));
    const report = (await handle.result()) as ProtectionReport;
    proxy.timing.rds.creatingMs = 400;

    expect(report).toMatchObject({ replicationStatus: 'replicating', lagSeconds: 1 });
    expect((await instanceIds(DR_REGION)).filter((id) => id.startsWith(replicaId))).toEqual([replicaId]);
    expect((await instance(SOURCE_REGION, source.DBInstanceIdentifier!))?.DBInstanceStatus).toBe('available');
    const events = (await handle.fetchHistory()).events ?? [];
    const creates = events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'ensureReadReplica',
    );
    expect(creates).toHaveLength(1);
  });

  test('WHEN it dies while a re-protection renames the old primary THEN another worker finishes it: one retired instance, the replica, and the report', async () => {
    const protect = (request: unknown) =>
      client.client.workflow.execute('ProtectDatabase', {
        taskQueue: workers[0]!.taskQueue,
        workflowId: uniqueId('kill-protect'),
        args: [request],
      }) as Promise<ProtectionReport>;
    const world = await afterFailover('kill-re', 226, protect, proxy.url);
    const { taskQueue, worker } = await workerToKill();
    proxy.timing.rds.renamingMs = 15_000;
    const handle = await client.client.workflow.start('ReprotectDatabase', {
      taskQueue,
      workflowId: uniqueId('kill-reprotect'),
      args: [{ primary: world.primary, oldPrimary: world.oldPrimary }],
    });
    const oldId = world.oldPrimary.dbInstanceIdentifier;
    await until(handle, (p) => p.step === 'retire');
    await waitFor(async () => (await instance(SOURCE_REGION, oldId)) === undefined, {
      what: 'RDS to have begun the rename',
      timeoutMs: 60_000,
    });

    await kill(worker);
    workers.push(await startTestWorker({ endpoint: proxy.url, taskQueue }));
    const report = (await handle.result()) as ProtectionReport;
    proxy.timing.rds.renamingMs = 400;

    const retired = (await instanceIds(SOURCE_REGION)).filter((id) => id.startsWith(`${oldId}-retired-`));
    expect(retired).toHaveLength(1);
    expect(report.retired?.dbInstanceIdentifier).toBe(retired[0]);
    expect((await instance(SOURCE_REGION, retired[0]!))?.DBInstanceStatus).toBe('available');
    expect((await instance(SOURCE_REGION, oldId))?.ReadReplicaSourceDBInstanceIdentifier).toBe(world.primaryArn);
    expect((await instance(DR_REGION, world.primary.dbInstanceIdentifier))?.DBInstanceStatus).toBe('available');
  });
});
