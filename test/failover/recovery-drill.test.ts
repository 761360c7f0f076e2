/**
 * A DR drill with `recoveredWhen`: the rehearsal reads each alarm and health check once, and the
 * drill reports a check per signal, failing the one that does not exist. It waits for nothing and
 * counts nothing: its RTO stays the switch's. The world is made directly in moto (a peering by id,
 * without the setup's rules, so the drill's peering-rule checks fail too; this file reads only the
 * checks of the signals, the rehearsal and the RTO).
 */
import type { DrillReport, DrillRequest } from '../../src/domain/drill/types';
import { FROM, TO } from '../support/failover/fixture';
import { HealthSignals } from '../support/failover/health';
import { stepOf, useFailoverSuite } from '../support/failover/suite';
import { testEnv } from '../support/env';
import { uniqueId } from '../support/harness';

const f = useFailoverSuite();
let health: HealthSignals;
beforeAll(() => {
  health = new HealthSignals(f.proxy.url, testEnv().motoUrl);
});

describe('DrDrill with recoveredWhen', () => {
  test('GIVEN an alarm that exists, one that does not and a health check WHEN drilled THEN each is a check, the missing alarm fails its own, and no recovery time is counted', async () => {
    // GIVEN the world, an alarm in ALARM, a health check, and the name of an alarm nobody made
    const world = await f.moto.world();
    const present = await health.alarm(TO);
    await health.setAlarm(TO, present, 'ALARM', 'Threshold Crossed: the DR tier is asleep');
    const check = await health.healthCheck();
    const absent = `abc-dr-5xx-never-made-${uniqueId('x').slice(-6)}`;
    const { peeringConnectionId, ...failover } = world.request;
    const request: DrillRequest = {
      name: uniqueId('recovery-drill'),
      peering: { peeringConnectionId, requesterRegion: FROM, accepterRegion: TO },
      failover: {
        ...failover,
        recoveredWhen: [
          { kind: 'cloudwatch-alarm', region: TO, alarmName: present },
          { kind: 'cloudwatch-alarm', region: TO, alarmName: absent },
          { kind: 'route53-health-check', healthCheckId: check },
        ],
      },
      rtoTargetSeconds: 600,
    };

    // WHEN the drill runs
    const report = (await f.worker.client.workflow.execute('DrDrill', {
      taskQueue: f.worker.taskQueue,
      workflowId: uniqueId('drill'),
      args: [request],
    })) as DrillReport;

    // THEN one check per signal: the existing ones hold, with their state; the missing alarm fails
    const checks = report.checks.filter((c) => c.name.startsWith('recovered-when:'));
    expect(checks).toEqual([
      {
        name: `recovered-when:cloudwatch-alarm:${TO}:${present}`,
        ok: true,
        detail: expect.stringMatching(new RegExp(`^exists; alarm ${present} in ${TO}: ALARM \\(Threshold Crossed`)),
      },
      {
        name: `recovered-when:cloudwatch-alarm:${TO}:${absent}`,
        ok: false,
        detail: `alarm ${absent} in ${TO}: missing (no alarm of that name in ${TO})`,
      },
      {
        name: `recovered-when:route53-health-check:${check}`,
        ok: true,
        detail: `exists; health check ${check}: healthy (1 of 1 checkers report success)`,
      },
    ]);
    expect(report.outcome).toBe('failed');
    // AND the rehearsal completed, read the signals once without waiting, and counted nothing
    const rehearsal = report.failover!;
    expect(rehearsal.outcome).toBe('completed');
    expect(rehearsal.recovery).toMatchObject({ healthyAt: null, waitedSeconds: 0 });
    expect(report.rtoSeconds).toBe(rehearsal.recovery!.switchRtoSeconds);
    expect(stepOf(rehearsal, 'recovered')).toMatchObject({
      outcome: 'failed',
      detail: expect.stringMatching(/^drill: .*; not waited for, and not counted in rtoSeconds$/),
    });
    expect(rehearsal.warnings).toEqual([expect.stringContaining(`alarm ${absent} in ${TO}: missing`)]);
    // AND the failback, towards the other region, has no signals to read
    expect(report.failback?.steps.map((s) => s.name)).not.toContain('recovered');
    expect(report.failback?.recovery).toBeUndefined();
    // AND the production record was never touched
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.primaryValue]);
  });
});
