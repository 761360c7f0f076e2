/**
 * The failover's pure decisions, without a server: reading the preflight answers and planning the
 * steps. The workflow only schedules the reads and runs the plan.
 */
import { planFailover } from '../../src/domain/failover/plan';
import { readPreflight } from '../../src/domain/failover/preflight';
import { healthy, ok, record, REQUEST } from '../support/preflight-facts';

describe('readPreflight', () => {
  test('GIVEN every check healthy WHEN read THEN nothing stops the run and the record before is kept', () => {
    const reading = readPreflight(REQUEST, healthy());

    expect(reading.problems).toEqual([]);
    expect(reading.alreadyOnTarget).toBe(false);
    expect(reading.recordBefore?.value).toBe(REQUEST.from.value);
    expect(reading.found.join('; ')).toMatch(/is active with routes.*zone abc\.example\..*read replica of arn/);
  });

  test('GIVEN several things wrong WHEN read THEN every problem is reported at once, in check order', () => {
    const reading = readPreflight(
      REQUEST,
      healthy({
        peering: { ok: false, error: 'RequestLimitExceeded: slow down' },
        zone: ok(null),
        replica: ok({ exists: true, region: 'eu-west-1', dbInstanceIdentifier: 'abc-db-replica', status: 'stopped' }),
      }),
    );

    expect(reading.problems).toEqual([
      'the peering could not be checked: RequestLimitExceeded: slow down',
      'hosted zone Z0123456789ABC does not exist',
      'replica abc-db-replica in eu-west-1 is stopped; it cannot be promoted',
    ]);
  });

  test('GIVEN the record already on to.value WHEN read THEN it is a no-op', () => {
    const reading = readPreflight(
      REQUEST,
      healthy({ record: ok({ record: record('app.abc.example.', 'DR-ALB.eu-west-1.elb.amazonaws.com.') }) }),
    );

    expect(reading.alreadyOnTarget).toBe(true);
    expect(reading.problems).toEqual([]);
  });

  test('GIVEN a record pointing somewhere else WHEN read THEN it is not switched', () => {
    const reading = readPreflight(
      REQUEST,
      healthy({ record: ok({ record: record('app.abc.example.', 'x.example.') }) }),
    );

    expect(reading.problems).toEqual([expect.stringMatching(/points to x\.example\., which is neither from\.value/)]);
  });

  test('GIVEN a drill whose record name holds a foreign value WHEN read THEN it refuses, and reads production', () => {
    const drill = { ...REQUEST, drill: true };
    const reading = readPreflight(
      drill,
      healthy({
        record: ok({ record: record('drill-app.abc.example.', 'someone-else.example.') }),
        production: ok({ record: record('app.abc.example.', REQUEST.from.value) }),
      }),
    );

    expect(reading.problems).toEqual([expect.stringMatching(/already exists with someone-else.*not the drill's/)]);
    expect(reading.productionRecord?.value).toBe(REQUEST.from.value);
    expect(reading.recordBefore).toBeNull();
  });

  test('GIVEN a drill and a standalone database WHEN read THEN the standby is not replicating', () => {
    const reading = readPreflight(
      { ...REQUEST, drill: true },
      healthy({
        record: ok({ record: null }),
        production: ok({ record: record('app.abc.example.', REQUEST.from.value) }),
        replica: ok({ exists: true, region: 'eu-west-1', dbInstanceIdentifier: 'abc-db-replica', status: 'available' }),
      }),
    );

    expect(reading.problems).toEqual([
      'replica abc-db-replica in eu-west-1 is not a read replica: the standby is not replicating',
    ]);
    expect(reading.found).toContain('drill record drill-app.abc.example. does not exist yet');
  });
});

describe('planFailover', () => {
  test('GIVEN a failover WHEN planned THEN approval, promotion, switch and read-back follow each other', () => {
    expect(planFailover(REQUEST)).toEqual({
      steps: [
        { kind: 'approval' },
        { kind: 'prepare', scale: [] },
        { kind: 'switch', mode: 'upsert' },
        { kind: 'verify', mode: 'upsert' },
      ],
      drillCleanup: false,
    });
  });

  test('GIVEN a drill WHEN planned THEN the drill record comes first and is cleaned up afterwards', () => {
    const plan = planFailover({ ...REQUEST, drill: true });

    expect(plan.steps[0]).toEqual({ kind: 'create-drill-record' });
    expect(plan.drillCleanup).toBe(true);
  });
});
