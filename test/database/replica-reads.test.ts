/**
 * The replica read the failover's RPO and the drill reuse (`readReplication`), called as the worker
 * would, behind the AWS-faithful layer: status and newest lag from the replica's region, what it says
 * of an instance that is no replica, and, bounded, a region that does not answer.
 */
import { CreateDBInstanceReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { createActivities, createAwsClients } from '../../src/activities';
import { type FaultProxy } from '../../harness/fault-proxy';
import { createSource, DR_REGION, putLag, SOURCE_REGION } from '../support/database/world';
import { startSuiteFaultProxy } from '../support/faithful/layer';
import { CREDENTIALS, uniqueId } from '../support/harness';

let proxy: FaultProxy;
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  proxy = await startSuiteFaultProxy({ seed: 5 });
  activities = createActivities({
    aws: createAwsClients({ clientConfig: { endpoint: proxy.url, credentials: CREDENTIALS }, probeTimeoutMs: 1_000 }),
  });
});
afterAll(async () => {
  await proxy?.close();
});

async function replica(name: string): Promise<string> {
  const source = await createSource(uniqueId(name));
  const id = `${source.DBInstanceIdentifier}-replica`;
  await new RDSClient({ region: DR_REGION, endpoint: proxy.url, credentials: CREDENTIALS }).send(
    new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: id,
      SourceDBInstanceIdentifier: source.DBInstanceArn,
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, proxy.timing.rds.creatingMs + 100));
  return id;
}

describe('readReplication', () => {
  test('GIVEN a replicating replica with ReplicaLag datapoints WHEN read THEN its status and the newest datapoint', async () => {
    const id = await replica('reads');
    const newest = new Date();
    await putLag(id, 40, new Date(newest.getTime() - 180_000));
    await putLag(id, 7, newest);

    const state = await activities.readReplication({ region: DR_REGION, dbInstanceIdentifier: id });

    expect(state).toEqual({
      status: 'replicating',
      lagSeconds: 7,
      measuredAt: expect.any(String),
      instanceStatus: 'available',
      source: expect.stringContaining(`arn:aws:rds:${SOURCE_REGION}:`),
    });
    expect(Math.abs(Date.parse(state.measuredAt!) - newest.getTime())).toBeLessThan(60_000);
  });

  test('GIVEN a standalone instance, and no instance at all WHEN read THEN not-a-replica, and not-found, with no lag', async () => {
    const standalone = await createSource(uniqueId('standalone'), {}, DR_REGION);

    expect(
      await activities.readReplication({ region: DR_REGION, dbInstanceIdentifier: standalone.DBInstanceIdentifier! }),
    ).toMatchObject({ status: 'not-a-replica', lagSeconds: null });
    expect(await activities.readReplication({ region: DR_REGION, dbInstanceIdentifier: 'no-such-db' })).toEqual({
      status: 'not-found',
      lagSeconds: null,
    });
  });

  test('GIVEN the replica region does not answer WHEN read bounded THEN Unreachable within the probe timeout', async () => {
    const id = await replica('unreachable');
    proxy.setRules([{ kind: 'unreachable', region: DR_REGION }]);
    const started = Date.now();
    try {
      const err = await activities.readReplication({ region: DR_REGION, dbInstanceIdentifier: id, bounded: true }).then(
        () => undefined,
        (e: unknown) => e as { type?: string; message: string },
      );

      expect(err?.type).toBe('Unreachable');
      expect(err?.message).toContain(`${DR_REGION} did not answer for ${id}`);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      proxy.clearRules();
    }
  });
});
