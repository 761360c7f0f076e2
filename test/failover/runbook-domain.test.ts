/**
 * The DR runbook's pure decisions, without a server: planning scale actions and the data-plane
 * switch, reading a preflight in which the source region (or Route 53) did not answer, and the
 * capacity maths.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { boundsFor, capacityReached, desiredOf, scaleWhen } from '../../src/domain/failover/capacity';
import { planFailover, planStepNames } from '../../src/domain/failover/plan';
import { readPreflight } from '../../src/domain/failover/preflight';
import type { FailoverRequest } from '../../src/domain/failover/types';
import { validateFailoverRequest } from '../../src/domain/failover/validate';
import { healthy, ok, REQUEST } from '../support/preflight-facts';
import { ROOT } from '../../harness/stack';

describe('the DR runbook additions', () => {
  const scale: NonNullable<FailoverRequest['scale']> = [
    { kind: 'autoscaling', region: 'eu-west-1', name: 'abc-web-dr', desiredCapacity: 3 },
    { kind: 'ecs', region: 'eu-west-1', cluster: 'abc-dr', service: 'web', desiredCount: 2 },
    { kind: 'autoscaling', region: 'us-east-1', name: 'abc-web', desiredCapacity: 0, when: 'after-switch' },
  ];
  const arn = (id: string) => `arn:aws:route53-recovery-control::123456789012:controlpanel/abc/routingcontrol/${id}`;
  const rc: FailoverRequest['dnsSwitch'] = {
    mode: 'routing-control',
    clusterEndpoints: [
      { region: 'eu-west-1', endpoint: 'https://a.route53-recovery-cluster.eu-west-1.amazonaws.com/v1' },
    ],
    routingControls: { from: arn('from'), to: arn('to') },
  };
  const unreachable = (service: string, check: string) => ({
    ok: false as const,
    error: `Unreachable: ${service} did not answer`,
    unreachable: { region: 'us-east-1', service, check, waitedMs: 3_004, error: 'TimeoutError: timed out' },
  });
  const group = { exists: true, desired: 0, inService: 0, pending: 0, minSize: 0, maxSize: 1 };

  test('GIVEN scale actions and routing controls WHEN planned THEN promotion and capacity run together, the scale-down after the read-back', () => {
    const plan = planFailover({ ...REQUEST, scale, dnsSwitch: rc });

    expect(plan.steps.map((s) => s.kind)).toEqual(['approval', 'prepare', 'switch', 'verify', 'scale-after']);
    expect(planStepNames({ ...REQUEST, scale, dnsSwitch: rc })).toEqual([
      ['approval'],
      ['promote-replica', 'scale:eu-west-1:abc-web-dr', 'scale:eu-west-1:web'],
      ['switch-routing-controls'],
      ['verify-routing-controls'],
      ['scale:us-east-1:abc-web'],
    ]);
  });

  test('GIVEN a drill in routing-control mode WHEN planned THEN it switches its own record by UPSERT', () => {
    expect(planStepNames({ ...REQUEST, drill: true, dnsSwitch: rc })).toContainEqual(['switch-record']);
  });

  test('GIVEN the source region silent WHEN read THEN its checks are unreachable, not problems, and the target group is planned', () => {
    const reading = readPreflight(
      { ...REQUEST, scale },
      healthy({
        capacity: [
          ok(group),
          ok({ ...group, maxSize: 4 }),
          unreachable('autoscaling', 'Auto Scaling group abc-web in us-east-1'),
        ],
      }),
    );

    expect(reading.problems).toEqual([]);
    expect(reading.unreachable.map((u) => u.service)).toEqual(['autoscaling']);
    expect(reading.capacity).toEqual([group, { ...group, maxSize: 4 }, null]);
    expect(reading.found).toContain(
      'Auto Scaling group abc-web-dr in eu-west-1: desired 0, 0 InService (min 0, max 1); before-switch, set 3 (needs MaxSize raised 1 → 3)',
    );
    expect(reading.found.join('; ')).toMatch(
      /abc-web in us-east-1 not checked: Auto Scaling in us-east-1 did not answer within 3 s .*skipped/,
    );
  });

  test('GIVEN a scale target silent in the target region WHEN read THEN it is a problem', () => {
    const silent = {
      ...unreachable('ecs', 'ECS service web'),
      unreachable: { ...unreachable('ecs', 'x').unreachable, region: 'eu-west-1' },
    };
    const reading = readPreflight({ ...REQUEST, scale }, healthy({ capacity: [ok(group), silent, ok(group)] }));

    expect(reading.problems).toEqual([
      expect.stringMatching(/^ECS service web \(cluster abc-dr\) in eu-west-1 could not be checked/),
    ]);
  });

  test('GIVEN Route 53 silent WHEN read THEN an upsert cannot run, routing controls need not care', () => {
    const route53Down = {
      zone: unreachable('route53', 'hosted zone Z0123456789ABC'),
      record: unreachable('route53', 'record'),
    };
    const controls = ok({
      answered: true as const,
      region: 'eu-west-1',
      endpoint: 'https://a',
      states: [
        { arn: arn('from'), state: 'On' as const },
        { arn: arn('to'), state: 'Off' as const },
      ],
      skipped: [],
    });

    const upsert = readPreflight(REQUEST, healthy(route53Down));
    const routing = readPreflight(
      { ...REQUEST, dnsSwitch: rc },
      healthy({ ...route53Down, routingControls: controls }),
    );

    expect(upsert.problems).toEqual([
      expect.stringMatching(/Route 53 in us-east-1 did not answer.*dnsSwitch mode "routing-control"/),
    ]);
    expect(routing.problems).toEqual([]);
    expect(routing.routingControls).toEqual({ pair: { from: 'On', to: 'Off' }, endpoint: 'https://a' });
    expect(routing.unreachable).toHaveLength(1);
  });

  test('GIVEN the routing controls already switched WHEN read THEN it is a no-op; with no endpoint answering, a problem', () => {
    const states = (from: 'On' | 'Off', to: 'On' | 'Off') => [
      { arn: arn('from'), state: from },
      { arn: arn('to'), state: to },
    ];
    const read = (answered: boolean) =>
      ok(
        answered
          ? {
              answered: true as const,
              region: 'eu-west-1',
              endpoint: 'https://a',
              states: states('Off', 'On'),
              skipped: [],
            }
          : {
              answered: false as const,
              skipped: [{ region: 'eu-west-1', endpoint: 'https://a', error: 'TimeoutError', waitedMs: 3_000 }],
            },
      );

    expect(readPreflight({ ...REQUEST, dnsSwitch: rc }, healthy({ routingControls: read(true) })).alreadyOnTarget).toBe(
      true,
    );
    const none = readPreflight({ ...REQUEST, dnsSwitch: rc }, healthy({ routingControls: read(false) }));
    expect(none.problems).toEqual([expect.stringMatching(/^no endpoint of the ARC cluster answered/)]);
    expect(none.unreachable[0]).toMatchObject({ service: 'route53-recovery-cluster', region: 'eu-west-1' });
  });
});

describe('capacity maths', () => {
  const state = fc.record({
    exists: fc.constant(true),
    desired: fc.nat(50),
    inService: fc.nat(50),
    pending: fc.nat(5),
    minSize: fc.nat(20),
    maxSize: fc.nat(60),
  });

  test('GIVEN any group and desired capacity THEN the bounds move only as far as needed, and then allow it', () => {
    fc.assert(
      fc.property(state, fc.nat(100), (s, desired) => {
        const b = boundsFor(s, desired);
        const min = b.minSize?.to ?? s.minSize;
        const max = b.maxSize?.to ?? s.maxSize;
        // Allowed afterwards, nothing moved that did not have to, and a moved bound lands on desired.
        expect(min <= desired && desired <= max).toBe(true);
        if (desired >= s.minSize) expect(b.minSize).toBeUndefined();
        if (desired <= s.maxSize) expect(b.maxSize).toBeUndefined();
        if (b.maxSize) expect(b.maxSize).toEqual({ from: s.maxSize, to: desired });
        if (b.minSize) expect(b.minSize).toEqual({ from: s.minSize, to: desired });
      }),
    );
  });

  test('GIVEN scaling out THEN reached only when every instance is in service; scaling in, when few enough still serve', () => {
    const base = { exists: true, desired: 3, inService: 3, pending: 0 };
    expect(capacityReached(base, 3, 0)).toBe(true);
    expect(capacityReached({ ...base, inService: 2, pending: 1 }, 3, 0)).toBe(false);
    expect(capacityReached({ ...base, desired: 1 }, 3, 0)).toBe(false);
    expect(capacityReached({ ...base, desired: 0, inService: 1 }, 0, 3)).toBe(false);
    expect(capacityReached({ ...base, desired: 0, inService: 0 }, 0, 3)).toBe(true);
  });
});

describe('the shipped examples', () => {
  const example = (name: string) => {
    const checked = validateFailoverRequest(
      JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', `${name}.json`), 'utf8')),
    );
    if (!checked.ok) throw new Error(`examples/${name}.json: ${checked.error.field}: ${checked.error.reason}`);
    return checked.value;
  };

  test('GIVEN examples/failover.json and failback.json THEN the failover wakes the pilot light and the planned failback fences it, promoting the re-protected replica', () => {
    const [failover, failback] = [example('failover'), example('failback')];
    const drSide = (r: FailoverRequest) => (r.scale ?? []).filter((a) => a.region === 'eu-west-1');

    expect(drSide(failover).map((a) => [scaleWhen(a), desiredOf(a) > 0])).toEqual([
      ['before-switch', true],
      ['before-switch', true],
    ]);
    expect(drSide(failback).map((a) => [scaleWhen(a), desiredOf(a)])).toEqual([
      ['fence', 0],
      ['fence', 0],
    ]);
    expect([failback.from, failback.to]).toEqual([failover.to, failover.from]);
    // ReprotectDatabase made a replica of the DR primary under the old primary's name, in us-east-1.
    expect(failback.mode).toBe('planned');
    expect(failback.promoteReplica).toEqual({ region: 'us-east-1', dbInstanceIdentifier: 'abc-db' });
  });

  test('GIVEN examples/failover-routing-control.json THEN it switches through five cluster endpoints', () => {
    const rc = example('failover-routing-control').dnsSwitch;

    expect(rc?.mode).toBe('routing-control');
    expect(rc?.mode === 'routing-control' && rc.clusterEndpoints).toHaveLength(5);
  });
});
