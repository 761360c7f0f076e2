/**
 * The recovery's pure decisions, without a server: where the `recovered` step sits in the plan,
 * what `recoveredWhen` and `recoveryTimeout` accept, when a Route 53 health check counts as healthy
 * (most of its checkers), and where the RTO ends.
 */
import fc from 'fast-check';
import { planFailover, planStepNames } from '../../src/domain/failover/plan';
import { checkerVerdict, notHealthyWarning, rtoToHealthy, signalName } from '../../src/domain/failover/recovery';
import type { FailoverRequest, RecoverySignal, SignalReading } from '../../src/domain/failover/types';
import { validateFailoverRequest } from '../../src/domain/failover/validate';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REQUEST } from '../support/preflight-facts';
import { ROOT } from '../../harness/stack';

const ALARM: RecoverySignal = { kind: 'cloudwatch-alarm', region: 'eu-west-1', alarmName: 'abc-dr-5xx' };
const CHECK: RecoverySignal = { kind: 'route53-health-check', healthCheckId: 'abcdef11-2222-3333-4444-555555fedcba' };
const OK = 'Success: HTTP Status Code 200, OK';
const FAIL = 'Failure: HTTP Status Code 503, Service Unavailable';
const invalid = (req: unknown) => {
  const v = validateFailoverRequest(req);
  return v.ok ? undefined : v.error;
};

describe('recovery: the application healthy after the switch', () => {
  test('GIVEN recoveredWhen and after-switch scale actions WHEN planned THEN recovered comes after the read-back and before them', () => {
    const req: FailoverRequest = {
      ...REQUEST,
      recoveredWhen: [ALARM, CHECK],
      scale: [{ kind: 'autoscaling', region: 'us-east-1', name: 'abc-web', desiredCapacity: 0, when: 'after-switch' }],
    };

    expect(planFailover(req).steps.map((s) => s.kind)).toEqual([
      'approval',
      'prepare',
      'switch',
      'verify',
      'recovered',
      'scale-after',
    ]);
    expect(planStepNames(req).slice(-3)).toEqual([['verify-record'], ['recovered'], ['scale:us-east-1:abc-web']]);
    expect(planFailover(REQUEST).steps.map((s) => s.kind)).not.toContain('recovered');
    expect(planStepNames({ ...req, drill: true }).flat()).toEqual(
      expect.arrayContaining(['verify-record', 'recovered', 'delete-drill-record']),
    );
  });

  test('GIVEN good signals and a timeout WHEN validated THEN accepted', () => {
    expect(invalid({ ...REQUEST, recoveredWhen: [ALARM, CHECK], recoveryTimeout: '20m' })).toBeUndefined();
    expect(invalid({ ...REQUEST, recoveredWhen: [{ ...ALARM, alarmName: 'abc dr: 5xx (ALB) ✓' }] })).toBeUndefined();
  });

  test.each([
    ['an empty list', { recoveredWhen: [] }, 'recoveredWhen', 'at least one signal'],
    ['an unknown kind', { recoveredWhen: [{ kind: 'synthetics-canary', name: 'x' }] }, 'recoveredWhen[0].kind', ''],
    ['an unknown region', { recoveredWhen: [{ ...ALARM, region: 'eu-west-9' }] }, 'recoveredWhen[0].region', ''],
    ['an empty alarm name', { recoveredWhen: [{ ...ALARM, alarmName: '' }] }, 'recoveredWhen[0].alarmName', ''],
    [
      'a 256-character name',
      { recoveredWhen: [{ ...ALARM, alarmName: 'a'.repeat(256) }] },
      'recoveredWhen[0].alarmName',
      '',
    ],
    ['a control character', { recoveredWhen: [{ ...ALARM, alarmName: 'abc\n5xx' }] }, 'recoveredWhen[0].alarmName', ''],
    [
      'a health check id that is no UUID',
      { recoveredWhen: [{ ...CHECK, healthCheckId: 'hc-1' }] },
      'recoveredWhen[0].healthCheckId',
      'UUID',
    ],
    ['an extra field', { recoveredWhen: [{ ...ALARM, threshold: 5 }] }, 'recoveredWhen[0]', ''],
    ['the same signal twice', { recoveredWhen: [CHECK, ALARM, { ...ALARM }] }, 'recoveredWhen[2]', 'recoveredWhen[1]'],
    ['a timeout without signals', { recoveryTimeout: '10m' }, 'recoveryTimeout', 'only used with recoveredWhen'],
    [
      'a timeout that is no duration',
      { recoveredWhen: [ALARM], recoveryTimeout: 'soon' },
      'recoveryTimeout',
      'duration',
    ],
    ['a timeout of two days', { recoveredWhen: [ALARM], recoveryTimeout: '2d' }, 'recoveryTimeout', '24 hours'],
  ])('GIVEN %s WHEN validated THEN refused, naming the field', (_what, over, field, reason) => {
    const error = invalid({ ...REQUEST, ...over });

    expect(error?.field).toBe(field);
    expect(error?.reason).toContain(reason);
  });

  test('GIVEN 16 checkers WHEN a minority fails THEN healthy; WHEN half or more fail THEN not; with none reporting, not', () => {
    const checkers = (failing: number) => Array.from({ length: 16 }, (_, i) => (i < failing ? FAIL : OK));

    expect(checkerVerdict(checkers(0))).toEqual({ healthy: true, successes: 16, total: 16 });
    expect(checkerVerdict(checkers(5))).toEqual({ healthy: true, successes: 11, total: 16 });
    expect(checkerVerdict(checkers(7))).toEqual({ healthy: true, successes: 9, total: 16 });
    expect(checkerVerdict(checkers(8))).toEqual({ healthy: false, successes: 8, total: 16 });
    expect(checkerVerdict(checkers(9))).toEqual({ healthy: false, successes: 7, total: 16 });
    expect(checkerVerdict([])).toEqual({ healthy: false, successes: 0, total: 0 });
  });

  test('GIVEN any observations WHEN judged THEN healthy exactly when successes outnumber the rest', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(OK, FAIL, 'Failure: Resolved IP: 10.1.0.5. Connection timed out')), (xs) => {
        const ok = xs.filter((x) => x === OK).length;
        expect(checkerVerdict(xs).healthy).toBe(ok > xs.length - ok);
      }),
    );
  });

  test('GIVEN a healthy moment WHEN the RTO is counted THEN it runs from the start to that moment, never short of the switch', () => {
    const start = new Date('2026-12-07T10:00:00.000Z');

    expect(rtoToHealthy(start, new Date('2026-12-07T10:00:42.250Z'), 9.5)).toBe(42.25);
    // A signal healthy all along still needed the traffic: the RTO is at least the switch's.
    expect(rtoToHealthy(start, new Date('2026-12-07T10:00:09.000Z'), 9.5)).toBe(9.5);
  });

  test('GIVEN readings at the timeout WHEN warned THEN only the unhealthy signals are named, with their state', () => {
    const reading = (signal: RecoverySignal, state: SignalReading['state'], detail: string): SignalReading => ({
      signal,
      state,
      healthy: state === 'OK' || state === 'healthy',
      detail,
      readAt: '2026-12-07T10:15:00.000Z',
    });
    const warning = notHealthyWarning(
      [reading(ALARM, 'ALARM', 'Threshold Crossed'), reading(CHECK, 'healthy', '11 of 16 checkers report success')],
      '15m',
      false,
    );

    expect(warning).toBe(
      'recovered: not healthy within 15m: alarm abc-dr-5xx in eu-west-1: ALARM (Threshold Crossed). The switch stands; rtoSeconds is null',
    );
    expect(signalName(ALARM)).toBe('cloudwatch-alarm:eu-west-1:abc-dr-5xx');
    expect(signalName(CHECK)).toBe('route53-health-check:abcdef11-2222-3333-4444-555555fedcba');
  });

  test('GIVEN examples/failover.json WHEN validated and planned THEN it waits for an alarm in the DR region between the read-back and the scale-in', () => {
    const checked = validateFailoverRequest(
      JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'failover.json'), 'utf8')),
    );
    if (!checked.ok) throw new Error(`examples/failover.json: ${checked.error.field}: ${checked.error.reason}`);
    const req = checked.value;

    expect(req.recoveredWhen).toEqual([{ kind: 'cloudwatch-alarm', region: req.to.region, alarmName: 'abc-dr-5xx' }]);
    const names = planStepNames(req).flat();
    expect(names.indexOf('recovered')).toBe(names.indexOf('verify-record') + 1);
    expect(names.at(-1)).toBe('scale:us-east-1:abc-web');
  });
});
