/**
 * What the database test files share: a fault proxy of the file's own in front of the run's moto
 * (also the AWS-faithful layer, unless TEST_RAW_MOTO), a worker behind it, and the steps of
 * starting a protection, following its progress, and counting the AWS calls that changed something.
 */
import { type WorkflowHandle } from '@temporalio/client';
import type { ProtectionProgress } from '../../../src/domain/database/types';
import { type FaultProxy, type FaultProxyOptions } from '../../../harness/fault-proxy';
import { startSuiteFaultProxy } from '../faithful/layer';
import { startTestWorker, uniqueId, type TestWorker } from '../harness';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const READ_ONLY = /^(Describe|List|Get)/;

export function useDatabaseSuite(options: { proxy?: Omit<FaultProxyOptions, 'target'> } = {}) {
  let worker: TestWorker;
  let proxy: FaultProxy;

  beforeAll(async () => {
    proxy = await startSuiteFaultProxy(options.proxy);
    worker = await startTestWorker({ endpoint: proxy.url });
  });

  afterAll(async () => {
    await worker?.shutdown();
    await proxy?.close();
  });

  function start(type: string, request: unknown, workflowId = uniqueId(type.toLowerCase())): Promise<WorkflowHandle> {
    return worker.client.workflow.start(type, { taskQueue: worker.taskQueue, workflowId, args: [request] });
  }

  async function run<T>(type: string, request: unknown, workflowId?: string): Promise<T> {
    return (await start(type, request, workflowId)).result() as Promise<T>;
  }

  /** The AWS operations the worker made while `fn` ran, and those of them that change something. */
  async function callsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; operations: string[]; changes: string[] }> {
    const from = worker.calls.length;
    const result = await fn();
    const operations = worker.calls.slice(from).map((c) => c.operation);
    return { result, operations, changes: operations.filter((op) => !READ_ONLY.test(op)) };
  }

  /** Polls the run's progress until `done` holds (or fails the test after `ms`). */
  async function progressUntil(
    handle: WorkflowHandle,
    done: (p: ProtectionProgress) => boolean,
    ms = 60_000,
  ): Promise<ProtectionProgress> {
    const until = Date.now() + ms;
    let last: ProtectionProgress | undefined;
    while (Date.now() < until) {
      last = await handle.query<ProtectionProgress>('progress').catch(() => last);
      if (last && done(last)) return last;
      await sleep(200);
    }
    throw new Error(`${handle.workflowId} never got there; last progress ${JSON.stringify(last)}`);
  }

  return {
    get worker(): TestWorker {
      return worker;
    },
    get proxy(): FaultProxy {
      return proxy;
    },
    start,
    run,
    callsDuring,
    progressUntil,
  };
}
