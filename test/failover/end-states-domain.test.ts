/**
 * The pure end-state reading: traffic on `to` is "already on target" only with the database
 * promoted and every scale action's capacity at its target; and the bounds a failover moved, put
 * back by the run the other way once the capacity fits them again.
 */
import { readEndStates } from '../../src/domain/failover/end-states';
import { readPreflight } from '../../src/domain/failover/preflight';
import type { CapacityState, FailoverRequest } from '../../src/domain/failover/types';
import { boundsToRestore } from '../../src/activities/failover/autoscaling';
import { healthy, ok, record, REQUEST } from '../support/preflight-facts';

const onTarget = { record: ok({ record: record('app.abc.example.', REQUEST.to.value) }) };
const promoted = ok({ exists: true, region: 'eu-west-1', dbInstanceIdentifier: 'abc-db-replica', status: 'available' });
const group = (desired: number, inService = desired): CapacityState => ({
  exists: true,
  desired,
  inService,
  pending: 0,
});
const scale: NonNullable<FailoverRequest['scale']> = [
  { kind: 'autoscaling', region: 'eu-west-1', name: 'abc-web-dr', desiredCapacity: 3 },
  { kind: 'autoscaling', region: 'us-east-1', name: 'abc-web', desiredCapacity: 0, when: 'after-switch' },
];

function ends(req: FailoverRequest, over: Parameters<typeof healthy>[0]) {
  const facts = healthy(over);
  return readEndStates(req, facts.replica, readPreflight(req, facts));
}

describe('end states of a failover', () => {
  test('GIVEN the record on `to` but the replica still replicating THEN the promotion is missing', () => {
    expect(ends(REQUEST, onTarget)).toEqual({
      holding: [],
      missing: [
        'abc-db-replica in eu-west-1 is still a read replica of arn:aws:rds:us-east-1:123456789012:db:abc-db: promote it',
      ],
    });
  });

  test('GIVEN the record on `to`, promoted, the DR side at 3 and the old side not yet at 0 THEN only the scale-in is missing', () => {
    const e = ends({ ...REQUEST, scale }, { ...onTarget, replica: promoted, capacity: [ok(group(3)), ok(group(2))] });
    expect(e.missing).toEqual(['Auto Scaling group abc-web in us-east-1 is at desired 2, not 0']);
    expect(e.holding).toEqual([
      'abc-db-replica in eu-west-1 is promoted (no replication source)',
      'Auto Scaling group abc-web-dr in eu-west-1 is at 3',
    ]);
  });

  test('GIVEN capacity set but not yet in service THEN it is missing; GIVEN a region that did not answer THEN it is not counted', () => {
    const starting = ends({ ...REQUEST, scale }, { ...onTarget, replica: promoted, capacity: [ok(group(3, 1))] });
    expect(starting.missing).toEqual(['Auto Scaling group abc-web-dr in eu-west-1 is at desired 3 with 1 in service']);
    const silent = {
      ok: false as const,
      error: 'Unreachable',
      unreachable: { region: 'us-east-1', service: 'autoscaling', check: 'x', waitedMs: 1, error: 'e' },
    };
    expect(
      ends({ ...REQUEST, scale }, { ...onTarget, replica: promoted, capacity: [ok(group(3)), silent] }).missing,
    ).toEqual([]);
  });

  test('GIVEN bounds an earlier failover moved WHEN the capacity fits them again THEN they are put back, else left', () => {
    const raised: CapacityState = { ...group(3), minSize: 0, maxSize: 3, boundsBefore: { maxSize: 1 } };
    expect(boundsToRestore(raised, 0)).toEqual({ maxSize: { from: 3, to: 1 } });
    expect(boundsToRestore(raised, 2)).toEqual({});
    const lowered: CapacityState = { ...group(0), minSize: 0, maxSize: 4, boundsBefore: { minSize: 1 } };
    expect(boundsToRestore(lowered, 2)).toEqual({ minSize: { from: 0, to: 1 } });
    expect(boundsToRestore(lowered, 0)).toEqual({});
    expect(boundsToRestore({ ...lowered, minSize: 1 }, 2)).toEqual({});
  });
});
