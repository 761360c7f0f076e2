/**
 * The failover's data side without a server: the RPO as preflight reads it, the maxRpoSeconds gate,
 * only a replica promoted (or one this project promoted away from the same region), planned mode's
 * request rules and steps, and which CloudWatch period counts as "after the fence".
 */
import type { ReplicationState } from '../../src/domain/database/types';
import { planFailover, planStepNames } from '../../src/domain/failover/plan';
import { firstPeriodAfter } from '../../src/domain/failover/planned';
import { readPreflight } from '../../src/domain/failover/preflight';
import type { FailoverRequest } from '../../src/domain/failover/types';
import { validateFailoverRequest } from '../../src/domain/failover/validate';
import { healthy, ok, REQUEST } from '../support/preflight-facts';

const replicating = (lag: number | null, measuredAt?: string): ReplicationState => ({
  status: 'replicating',
  lagSeconds: lag,
  ...(measuredAt ? { measuredAt } : {}),
  source: 'arn:aws:rds:us-east-1:111122223333:db:abc-db',
});
const standalone = (tags: { promotedBy?: string; promotedFrom?: string } = {}) =>
  ok({ exists: true, region: 'eu-west-1', dbInstanceIdentifier: 'abc-db-replica', status: 'available', ...tags });
const withMax = (max: number): FailoverRequest => ({
  ...REQUEST,
  promoteReplica: { ...REQUEST.promoteReplica!, maxRpoSeconds: max },
});
const AT = '2026-12-07T12:00:00.000Z';

describe('the RPO in preflight', () => {
  test.each([
    [
      replicating(12, AT),
      30,
      { seconds: 12, basis: 'replica-lag', measuredAt: AT, replicationStatus: 'replicating' },
      [],
    ],
    [
      replicating(45, AT),
      30,
      { seconds: 45, basis: 'replica-lag', measuredAt: AT, replicationStatus: 'replicating' },
      [
        `replica abc-db-replica in eu-west-1's ReplicaLag is 45 s at ${AT}, above maxRpoSeconds 30: promoting it now could lose 45 s of writes`,
      ],
    ],
    [
      replicating(null),
      30,
      { seconds: null, basis: 'unknown', replicationStatus: 'replicating' },
      [
        "replica abc-db-replica in eu-west-1's RPO is unknown (no ReplicaLag datapoint in the last 15 minutes; replication replicating), and maxRpoSeconds 30 needs a measured lag: nothing was promoted",
      ],
    ],
    [
      { ...replicating(-1), status: 'error' },
      30,
      { seconds: null, basis: 'unknown', replicationStatus: 'error' },
      [expect.stringMatching(/RPO is unknown .*replication error.*maxRpoSeconds 30/)],
    ],
  ])(
    'GIVEN replication %j and maxRpoSeconds %d WHEN read THEN the RPO is %j and the problems %j',
    (state, max, rpo, problems) => {
      const reading = readPreflight(withMax(max), healthy({ replication: ok(state) }));

      expect(reading.rpo).toEqual(rpo);
      expect(reading.problems).toEqual(problems);
    },
  );

  test('GIVEN a lag above what a request would allow but no maxRpoSeconds WHEN read THEN it is reported and does not stop the run', () => {
    const reading = readPreflight(REQUEST, healthy({ replication: ok(replicating(900, AT)) }));

    expect(reading.problems).toEqual([]);
    expect(reading.found.join('; ')).toMatch(
      /replication replicating, RPO 900 s \(replica-lag at 2026-12-07T12:00:00.000Z\)/,
    );
  });

  test('GIVEN a drill WHEN the lag is above maxRpoSeconds THEN the drill is not stopped: it promotes nothing', () => {
    const reading = readPreflight({ ...withMax(1), drill: true }, healthy({ replication: ok(replicating(60, AT)) }));

    expect(reading.problems).toEqual([]);
  });
});

describe('only a replica is promoted', () => {
  test.each([
    [{}, /is not a read replica \(it replicates from nothing\): only a replica is promoted/],
    [{ promotedBy: 'other', promotedFrom: 'us-west-2' }, /it was promoted away from us-west-2, not from us-east-1/],
  ])('GIVEN a standalone instance tagged %j WHEN read THEN it is refused', (tags, reason) => {
    const reading = readPreflight(REQUEST, healthy({ replica: standalone(tags), replication: ok(replicating(null)) }));

    expect(reading.problems).toEqual([expect.stringMatching(reason)]);
    expect(reading.resumesPromotion).toBeUndefined();
  });

  test('GIVEN an instance this project promoted away from the same region WHEN read THEN the run resumes, ungated', () => {
    const reading = readPreflight(
      withMax(0),
      healthy({
        replica: standalone({ promotedBy: 'abc-failover', promotedFrom: 'us-east-1' }),
        replication: ok(replicating(null)),
      }),
    );

    expect(reading.problems).toEqual([]);
    expect(reading.resumesPromotion).toBe(true);
    expect(reading.found.join('; ')).toMatch(/promoted away from us-east-1 by abc-failover/);
  });

  test('GIVEN a request from before the data side (no replication read) WHEN a standalone instance is read THEN it is still found done, as those runs did', () => {
    const reading = readPreflight(REQUEST, healthy({ replica: standalone() }));

    expect(reading.problems).toEqual([]);
    expect(reading.found.join('; ')).toMatch(/already a standalone instance/);
  });
});

describe('planned mode', () => {
  const fence = {
    kind: 'autoscaling',
    region: 'us-east-1',
    name: 'abc-web',
    desiredCapacity: 0,
    when: 'fence',
  } as const;

  test('GIVEN a planned request with a fence WHEN planned THEN the fence and the drain come after approval and before the promotion', () => {
    const req: FailoverRequest = { ...REQUEST, mode: 'planned', scale: [fence] };

    expect(planFailover(req).steps.map((s) => s.kind)).toEqual([
      'approval',
      'fence',
      'drain',
      'prepare',
      'switch',
      'verify',
    ]);
    expect(planStepNames(req)).toEqual([
      ['approval'],
      ['scale:us-east-1:abc-web'],
      ['drain'],
      ['promote-replica'],
      ['switch-record'],
      ['verify-record'],
    ]);
  });

  test.each([
    [{ scale: [fence] }, 'scale[0].when', /only a planned run uses/],
    [{ drainTimeout: '5m' }, 'drainTimeout', /only used with mode "planned"/],
    [
      { mode: 'planned', scale: [{ ...fence, region: 'eu-west-1' }] },
      'scale[0].region',
      /a fence stops the writers in the region traffic leaves/,
    ],
    [{ mode: 'planned', drainTimeout: '2h' }, 'drainTimeout', /between 1 second and 1 hour/],
    [{ mode: 'sometimes' }, 'mode', /must be "unplanned" or "planned"/],
  ])('GIVEN %j WHEN validated THEN %s is refused', (extra, field, reason) => {
    const checked = validateFailoverRequest({ ...REQUEST, ...extra });

    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.error).toEqual({ field, reason: expect.stringMatching(reason) });
  });

  test('GIVEN a planned request with a source region that does not answer WHEN read THEN it is refused: a switchover needs both', () => {
    const reading = readPreflight(
      { ...REQUEST, mode: 'planned' },
      healthy({
        peering: ok({
          ok: true,
          status: 'active',
          detail: 'peering active',
          sides: [],
          unreachable: [
            { region: 'us-east-1', service: 'ec2', check: 'route tables', waitedMs: 3000, error: 'timeout' },
          ],
        }),
        replication: ok(replicating(0, AT)),
      }),
    );

    expect(reading.problems).toEqual([
      expect.stringMatching(/a planned run needs both regions to answer, and EC2 in us-east-1 did not answer/),
    ]);
  });

  test.each([
    ['2026-12-07T12:00:00.000Z', '2026-12-07T12:00:00.000Z'],
    ['2026-12-07T12:00:00.001Z', '2026-12-07T12:01:00.000Z'],
    ['2026-12-07T12:00:59.999Z', '2026-12-07T12:01:00.000Z'],
  ])('GIVEN a fence that ended at %s THEN the first period after it starts at %s', (ended, first) => {
    expect(firstPeriodAfter(new Date(ended)).toISOString()).toBe(first);
  });
});
