/**
 * A test file's own moto with the fault proxy (and its AWS-faithful APIs) in front, and a worker
 * on the run's Temporal server whose AWS calls all go through the proxy. moto answers Cost
 * Explorer from a queue keyed by request body, so each file that reads costs gets a moto of its own.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { suiteFaithfulOptions } from '../../../harness/faithful/options';
import { startFaultProxy, type FaultProxy } from '../../../harness/fault-proxy';
import { CREDENTIALS, startTestWorker, type TestWorker, type TestWorkerOptions } from '../harness';
import { startMoto, type MotoServer } from '../../../harness/stack';

/** What moto's GetCostAndUsage should answer, one result per distinct request, in request order. */
export type CostAndUsageResult = Record<string, unknown>;

export function useFaithfulStack(options: Omit<TestWorkerOptions, 'endpoint'> = {}) {
  let moto: MotoServer | undefined;
  let proxy: FaultProxy | undefined;
  let worker: TestWorker | undefined;

  beforeAll(async () => {
    moto = await startMoto();
    // The AWS-faithful layer too, as everywhere in the suite (unless TEST_RAW_MOTO).
    const faithful = suiteFaithfulOptions();
    proxy = await startFaultProxy({ target: moto.url, ...(faithful ? { faithful } : {}) });
    worker = await startTestWorker({ ...options, endpoint: proxy.url });
  }, 120_000);

  afterAll(async () => {
    await worker?.shutdown();
    await proxy?.close();
    await moto?.stop();
  });

  const must = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet (beforeAll)`);
    return value;
  };

  return {
    get moto(): MotoServer {
      return must(moto, 'moto');
    },
    get proxy(): FaultProxy {
      return must(proxy, 'the fault proxy');
    },
    get worker(): TestWorker {
      return must(worker, 'the worker');
    },
    /** Queues GetCostAndUsage answers; moto hands each new request body the next one. */
    async queueCostAndUsage(results: CostAndUsageResult[]): Promise<void> {
      const res = await fetch(`${must(moto, 'moto').url}/moto-api/static/ce/cost-and-usage-results`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ results }),
      });
      if (res.status !== 201) throw new Error(`moto refused the cost results: ${res.status}`);
    },
    /** Wipes moto (every service) and the proxy's rules, stats and seeds. */
    async reset(): Promise<void> {
      await fetch(`${must(moto, 'moto').url}/moto-api/reset`, { method: 'POST' });
      must(proxy, 'the fault proxy').clearRules();
      proxy!.resetStats();
      proxy!.faithful.clear();
      must(worker, 'the worker').calls.length = 0;
    },
    /** Straight to moto, for GIVEN and THEN steps. */
    ec2(region: string): EC2Client {
      return new EC2Client({ region, endpoint: must(moto, 'moto').url, credentials: CREDENTIALS });
    },
    logs(region: string): CloudWatchLogsClient {
      return new CloudWatchLogsClient({ region, endpoint: must(moto, 'moto').url, credentials: CREDENTIALS });
    },
  };
}
