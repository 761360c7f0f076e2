/**
 * `failover --wait` with `recoveredWhen`: the `recovered` step is a planned step of its own, shows
 * the health signals as the wait reads them (its heartbeat), and ends with the moment the
 * application was healthy; the summary line says it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { FailoverReport } from '../../src/domain/failover/types';
import { cliProcess } from '../support/cli-process';
import { TO } from '../support/failover/fixture';
import { HealthSignals, untilReadings, untilRunning } from '../support/failover/health';
import { useFailoverSuite } from '../support/failover/suite';
import { testEnv } from '../support/env';
import { uniqueId } from '../support/harness';

const f = useFailoverSuite();
const { cli, tmp, cleanUp } = cliProcess(() => f.worker.taskQueue);
afterAll(() => cleanUp());

describe('client CLI failover --wait with recoveredWhen', () => {
  it('GIVEN an alarm that turns OK during the wait WHEN the CLI follows the run THEN the recovered step shows the alarm as read, then healthy', async () => {
    // GIVEN a failover request that waits for a new alarm in the DR region
    const health = new HealthSignals(f.proxy.url, testEnv().motoUrl);
    const world = await f.moto.world();
    const alarm = await health.alarm(TO);
    const file = path.join(tmp, 'recovered.json');
    const request = { ...world.request, recoveredWhen: [{ kind: 'cloudwatch-alarm', region: TO, alarmName: alarm }] };
    fs.writeFileSync(file, JSON.stringify(request, null, 2));
    const id = uniqueId('failover-cli-recovered');

    // WHEN the CLI runs it, and the alarm turns OK once the wait has read it (and the CLI has shown it)
    const running = cli(['failover', '--file', file, '--id', id, '--wait']);
    const handle = f.worker.client.workflow.getHandle(id);
    await untilRunning(handle, 'recovered');
    await untilReadings(handle, (rs) => rs[0]?.state === 'INSUFFICIENT_DATA');
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await health.setAlarm(TO, alarm, 'OK', 'serving again');
    const run = await running;

    // THEN it completed, and the recovered step was shown live, then done with its healthy moment
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as FailoverReport;
    expect(report.recovery?.healthyAt).toEqual(expect.any(String));
    const screen = stripVTControlCharacters(run.stderr);
    expect(screen).toContain(`0 of 1 healthy: alarm ${alarm} in ${TO}: INSUFFICIENT_DATA`);
    expect(screen).toMatch(/✔ \[\d\d:\d\d\] recovered/);
    expect(screen).toMatch(new RegExp(`healthy [\\d.]+ s after the verified switch .*alarm ${alarm} in ${TO}: OK`));
    expect(screen).toMatch(
      new RegExp(
        `completed in \\d\\d:\\d\\d: outcome completed, RTO ${report.rtoSeconds} s; .*; healthy [\\d.]+ s after the switch$`,
        'm',
      ),
    );
    const lines = screen.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/✔ \[\d\d:\d\d\] recovered/)).toBeGreaterThan(at(/✔ \[\d\d:\d\d\] verify-record/));
  });
});
