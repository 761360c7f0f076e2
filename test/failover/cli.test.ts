/**
 * `failover --wait` as an operator runs it: every step the run plans appears as it happens, the
 * scale steps of the pilot light included, the steps that run at once shown together, and a
 * summary line at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { FailoverReport, FailoverRequest } from '../../src/domain/failover/types';
import { cliProcess } from '../support/cli-process';
import { TO } from '../support/failover/fixture';
import { useFailoverSuite } from '../support/failover/suite';

const f = useFailoverSuite({ proxy: { capacity: { instanceWarmupMs: 2_000, taskWarmupMs: 2_000 } } });
const { cli, cliOnTerminal, tmp, cleanUp } = cliProcess(() => f.worker.taskQueue);
afterAll(() => cleanUp());

const plain = (text: string) => stripVTControlCharacters(text);

async function requestFile(name: string): Promise<{ file: string; group: string; request: FailoverRequest }> {
  const world = await f.moto.world();
  const [group, svc] = await Promise.all([
    f.pilotLight.group(TO, { min: 0, max: 1, desired: 0 }),
    f.pilotLight.service(TO, 0),
  ]);
  const request: FailoverRequest = {
    ...world.request,
    scale: [
      { kind: 'autoscaling', region: TO, name: group, desiredCapacity: 2 },
      { kind: 'ecs', region: TO, cluster: svc.cluster, service: svc.service, desiredCount: 2 },
    ],
  };
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(request, null, 2));
  return { file, group, request };
}

describe('client CLI failover --wait', () => {
  it('GIVEN stderr is a pipe WHEN a failover with scale actions runs THEN each planned step is a line as it ends, scale steps and their capacity included', async () => {
    const { file, group } = await requestFile('pipe');

    const run = await cli(['failover', '--file', file, '--wait']);

    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const report = JSON.parse(run.stdout) as FailoverReport;
    expect(report.outcome).toBe('completed');
    const lines = plain(run.stderr).split('\n');
    const steps = [
      'preflight',
      'approval',
      'promote-replica',
      `scale:${TO}:${group}`,
      `scale:${TO}:web`,
      'switch-record',
      'verify-record',
    ];
    const done = steps.map((step) =>
      lines.findIndex((l) => new RegExp(`^\\s*✔ \\[\\d\\d:\\d\\d\\] ${step}( \\[[\\d.]+m?s\\])?\\s*$`).test(l)),
    );
    expect(Object.fromEntries(steps.map((s, i) => [s, done[i]! >= 0]))).toEqual(
      Object.fromEntries(steps.map((s) => [s, true])),
    );
    // The switch comes after the three steps that ran at once, which come after the approval.
    expect(done[5]).toBeGreaterThan(Math.max(done[2]!, done[3]!, done[4]!));
    expect(Math.min(done[2]!, done[3]!, done[4]!)).toBeGreaterThan(done[1]!);
    expect(lines.some((l) => /at once: promote-replica, scale:eu-west-1:/.test(l))).toBe(true);
    // What each scale step did is printed under it.
    expect(plain(run.stderr)).toMatch(/desired 0 → 2, 0 → 2 InService; MaxSize raised 1 → 2/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^✔ FailoverToRegion \S+ completed in \d\d:\d\d: outcome completed, RTO [\d.]+ s; .* → dr-alb\.eu-west-1\.elb\.amazonaws\.com; 2 scale action\(s\) in service$/,
      ),
    );
  });

  it('GIVEN stderr is a terminal WHEN the failover runs THEN the planned steps are drawn with their durations', async () => {
    const { file, group } = await requestFile('tty');

    const run = await cliOnTerminal(['failover', '--file', file, '--wait']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'completed' });
    const screen = plain(run.stderr);
    for (const step of [
      'preflight',
      'promote-replica',
      `scale:${TO}:${group}`,
      `scale:${TO}:web`,
      'switch-record',
      'verify-record',
    ]) {
      expect(screen).toMatch(new RegExp(`✔ ${step} \\[[\\d.]+m?s\\]`));
    }
  });
});
