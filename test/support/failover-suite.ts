/**
 * What the FailoverToRegion test files share: a worker on the run's dev server (started in
 * beforeAll), the moto fixture that makes each test's world, and the steps of starting a run and
 * reading its report.
 */
import { type WorkflowHandle } from '@temporalio/client';
import type { FailoverProgress, FailoverReport, FailoverRequest } from '../../src/domain/failover-types';
import { testEnv } from './env';
import { MotoFailoverFixture, type FailoverWorld } from './failover-fixture';
import { startTestWorker, uniqueId, type TestWorker, type TestWorkerOptions } from './harness';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const MUTATIONS = ['ChangeResourceRecordSets', 'PromoteReadReplica'];
export const names = (r: FailoverReport) => r.steps.map((s) => s.name);
export const stepOf = (r: FailoverReport, name: string) => r.steps.find((s) => s.name === name);

/**
 * Registers this file's worker, started with `workerOptions()` (read in beforeAll, so it may use
 * what an earlier beforeAll made); the functions returned run on it unless given another.
 */
export function useFailoverSuite(workerOptions: () => TestWorkerOptions = () => ({})) {
  let worker: TestWorker;
  let moto: MotoFailoverFixture;

  beforeAll(async () => {
    moto = new MotoFailoverFixture(testEnv().motoUrl);
    worker = await startTestWorker(workerOptions());
  });

  afterAll(async () => {
    await worker?.shutdown();
  });

  function start(request: FailoverRequest, on: TestWorker = worker): Promise<WorkflowHandle> {
    return on.client.workflow.start('FailoverToRegion', {
      taskQueue: on.taskQueue,
      workflowId: uniqueId('failover'),
      args: [request],
    });
  }

  async function run(request: FailoverRequest, on: TestWorker = worker): Promise<FailoverReport> {
    return (await start(request, on)).result() as Promise<FailoverReport>;
  }

  /** The AWS operations the activities made while `fn` ran. */
  async function callsDuring<T>(
    fn: () => Promise<T>,
    on: TestWorker = worker,
  ): Promise<{ result: T; operations: string[] }> {
    const from = on.calls.length;
    const result = await fn();
    return { result, operations: on.calls.slice(from).map((c) => c.operation) };
  }

  async function untilAwaitingDecision(handle: WorkflowHandle): Promise<FailoverProgress> {
    for (let i = 0; i < 100; i++) {
      const p = await handle.query<FailoverProgress>('progress').catch(() => undefined);
      if (p?.awaitingDecision) return p;
      await sleep(100);
    }
    throw new Error(`${handle.workflowId} never waited for a decision`);
  }

  async function expectUnchanged(world: FailoverWorld): Promise<void> {
    expect(await moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);
    expect(await moto.isPromoted(world.request.promoteReplica!.dbInstanceIdentifier)).toBe(false);
  }

  return {
    /** The fixture, once beforeAll has made it. */
    get moto(): MotoFailoverFixture {
      return moto;
    },
    start,
    run,
    callsDuring,
    untilAwaitingDecision,
    expectUnchanged,
  };
}
