/**
 * What the FailoverToRegion test files share: a fault proxy in front of moto that promotes RDS
 * replicas as AWS does (moto never clears the source, so a promotion would never be done), a
 * worker behind it on the run's dev server (both started in beforeAll), the moto fixtures that
 * make each test's world, and the steps of starting a run and reading its report.
 */
import { type WorkflowHandle } from '@temporalio/client';
import type { FailoverProgress, FailoverReport, FailoverRequest } from '../../../src/domain/failover/types';
import { testEnv } from '../env';
import { MotoFailoverFixture, type FailoverWorld } from './fixture';
import { startSuiteFaultProxy } from '../faithful/layer';
import { type FaultProxy, type FaultProxyOptions } from '../../../harness/fault-proxy';
import { startTestWorker, uniqueId, type TestWorker, type TestWorkerOptions } from '../harness';
import { PilotLightFixture } from '../pilot-light-fixture';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every AWS call of a failover that changes something. */
export const MUTATIONS = [
  'ChangeResourceRecordSets',
  'PromoteReadReplica',
  'SetDesiredCapacity',
  'UpdateAutoScalingGroup',
  'UpdateService',
  'UpdateRoutingControlState',
  'UpdateRoutingControlStates',
  'CreateOrUpdateTags',
  'DeleteTags',
];
export const names = (r: FailoverReport) => r.steps.map((s) => s.name);
export const stepOf = (r: FailoverReport, name: string) => r.steps.find((s) => s.name === name);

export interface FailoverSuiteOptions {
  /** The suite's fault proxy, in front of the run's moto (and the AWS-faithful layer, unless TEST_RAW_MOTO). */
  proxy?: Omit<FaultProxyOptions, 'target'>;
  /**
   * The worker's options, read in beforeAll (so they may use what an earlier beforeAll made);
   * the endpoint is the suite's proxy unless given.
   */
  worker?: () => TestWorkerOptions;
}

/** Registers this file's proxy and worker; the functions returned run on that worker unless given another. */
export function useFailoverSuite(options: FailoverSuiteOptions = {}) {
  let worker: TestWorker;
  let proxy: FaultProxy;
  let moto: MotoFailoverFixture;
  let pilotLight: PilotLightFixture;

  beforeAll(async () => {
    const motoUrl = testEnv().motoUrl;
    moto = new MotoFailoverFixture(motoUrl);
    pilotLight = new PilotLightFixture(motoUrl);
    proxy = await startSuiteFaultProxy(options.proxy);
    worker = await startTestWorker({ endpoint: proxy.url, ...options.worker?.() });
  });

  afterAll(async () => {
    await worker?.shutdown();
    await proxy?.close();
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
    get pilotLight(): PilotLightFixture {
      return pilotLight;
    },
    /** The proxy the worker's AWS calls go through. */
    get proxy(): FaultProxy {
      return proxy;
    },
    get worker(): TestWorker {
      return worker;
    },
    start,
    run,
    callsDuring,
    untilAwaitingDecision,
    expectUnchanged,
  };
}
