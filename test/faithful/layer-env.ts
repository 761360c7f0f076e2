/**
 * For the layer's data-work tests (RDS, Route 53, CloudWatch, Aurora): a moto of the file's own,
 * reset before every test, and a fresh AWS-faithful layer in front of it for every test (so that
 * the layer's memory of transitions starts empty), with the suite's profile. Under TEST_RAW_MOTO=1
 * there is no layer: `aws()` clients talk to moto itself, which is how the tests show what moto
 * alone gets wrong. GIVEN steps use `moto()` clients; WHEN and THEN steps use `aws()`.
 */
import {
  rawMotoRequested,
  SUITE_PROFILE,
  SUITE_TIMING,
  timingWith,
  type LayerTimingPatch,
} from '../../harness/faithful';
import { patchTiming } from '../../harness/faithful/timing';
import { startFaultProxy, type FaultProxy } from '../../harness/fault-proxy';
import { startMoto, type MotoServer } from '../../harness/stack';

export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

interface ClientConfig {
  region: string;
  endpoint: string;
  credentials: typeof CREDENTIALS;
  maxAttempts: number;
}

export type ClientClass<C> = new (config: ClientConfig) => C;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function failureOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

export function useFaithfulAws(options: { timing?: LayerTimingPatch } = {}) {
  const raw = rawMotoRequested();
  let moto: MotoServer | undefined;
  let layer: FaultProxy | undefined;
  const clients: Array<{ destroy(): void }> = [];

  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  beforeEach(async () => {
    await fetch(`${moto!.url}/moto-api/reset`, { method: 'POST' });
    if (raw) return;
    layer = await startFaultProxy({
      target: moto!.url,
      seed: 42,
      controlEndpoint: true,
      faithful: { ...SUITE_PROFILE, timing: timingWith(SUITE_TIMING, options.timing) },
    });
  });

  afterEach(async () => {
    clients.splice(0).forEach((c) => c.destroy());
    await layer?.close();
    layer = undefined;
  });

  function client<C extends { destroy(): void }>(Client: ClientClass<C>, region: string, endpoint: string): C {
    const made = new Client({ region, endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    clients.push(made);
    return made;
  }

  return {
    /** True under TEST_RAW_MOTO=1: `aws()` is moto itself. */
    raw,
    /** What the code under test would call: the layer (moto itself when raw). */
    aws: <C extends { destroy(): void }>(Client: ClientClass<C>, region = 'us-east-1') =>
      client(Client, region, layer?.url ?? moto!.url),
    /** moto itself, for GIVEN steps and for checking what really happened. */
    moto: <C extends { destroy(): void }>(Client: ClientClass<C>, region = 'us-east-1') =>
      client(Client, region, moto!.url),
    /** This test's layer, undefined when raw. */
    get layer(): FaultProxy | undefined {
      return layer;
    },
    /** Changes this test's layer timing (nothing when raw). */
    timing(patch: LayerTimingPatch): void {
      if (layer) patchTiming(layer.timing, patch);
    },
    get motoUrl(): string {
      return moto!.url;
    },
  };
}
