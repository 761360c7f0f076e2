/**
 * The pace of the replica waits, without a server: a fake RDS behind fake timers. A replica that
 * is `creating` for 30 s must be seen available within 5% of that (the SDK waiters' backoff, at
 * most 30 s between reads, saw it 18 s late with their median jitter), and a long creation must
 * still be read at most every 30 s, not every second.
 */
import type { DBInstance } from '@aws-sdk/client-rds';
import type { AwsClients } from '../../src/activities/aws/clients';
import { pacedDelay } from '../../src/activities/aws/paced-waits';
import { createReplicaWaits, MAX_DELAY, MIN_DELAY } from '../../src/activities/database/waits';

const START = Date.parse('2026-12-07T12:00:00Z');

/** An RDS that shows the replica `creating` (made `createdAgoMs` before START) until `readyAt`. */
function fakeRds(readyAt: number, createdAgoMs = 0) {
  const reads: number[] = [];
  const rds = {
    send: async () => {
      reads.push(Date.now() - START);
      const ready = Date.now() >= readyAt;
      const db: DBInstance = {
        DBInstanceIdentifier: 'abc-db-replica',
        DBInstanceStatus: ready ? 'available' : 'creating',
        InstanceCreateTime: new Date(START - createdAgoMs),
        ...(ready ? { StatusInfos: [{ StatusType: 'read replication', Status: 'replicating', Normal: true }] } : {}),
      };
      return { DBInstances: [db] };
    },
  };
  return { reads, clients: { rds: () => rds } as unknown as AwsClients };
}

async function waitedMs(readyAfterMs: number, createdAgoMs = 0) {
  const { reads, clients } = fakeRds(START + readyAfterMs, createdAgoMs);
  const waits = createReplicaWaits(clients);
  const done = waits.waitForReplica({
    region: 'eu-west-1',
    dbInstanceIdentifier: 'abc-db-replica',
    deadline: new Date(START + 24 * 3_600_000).toISOString(),
    lastSeen: { status: 'creating' },
  });
  let result: Awaited<typeof done> | undefined;
  void done.then((r) => (result = r));
  while (!result) await jest.advanceTimersByTimeAsync(100);
  return { ms: Date.now() - START, reads, result };
}

describe('replica waits are paced by the time waited', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: START });
    // The SDK waiters' jitter at its median, so that the old backoff is measured as it usually runs.
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('waits at least MIN_DELAY, at most 5% of the time waited, never more than MAX_DELAY', () => {
    expect(pacedDelay(0, MIN_DELAY, MAX_DELAY)).toBe(1);
    expect(pacedDelay(10, MIN_DELAY, MAX_DELAY)).toBe(1);
    expect(pacedDelay(30, MIN_DELAY, MAX_DELAY)).toBeCloseTo(1.5);
    expect(pacedDelay(300, MIN_DELAY, MAX_DELAY)).toBe(15);
    expect(pacedDelay(1800, MIN_DELAY, MAX_DELAY)).toBe(30);
  });

  it('sees a replica created in 30 s within 5% of it being available', async () => {
    const { ms, result } = await waitedMs(30_000);
    expect(result).toEqual({ done: true, seen: { status: 'available', replicationStatus: 'replicating' } });
    expect(ms).toBeGreaterThanOrEqual(30_000);
    expect(ms).toBeLessThanOrEqual(31_500);
  });

  it('reads a long creation at most every 30 s, paced from InstanceCreateTime across calls', async () => {
    // Created 20 minutes ago: this call goes on with a long wait (5% of it is a minute), so its
    // second read comes MAX_DELAY later, not a second later as at a wait's start.
    const { ms, reads } = await waitedMs(10_000, 20 * 60_000);
    expect(reads).toEqual([0, MAX_DELAY * 1000]);
    expect(ms).toBe(MAX_DELAY * 1000);
  });
});
