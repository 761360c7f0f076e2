import * as fs from 'node:fs';
import { runChaos } from '../../harness/chaos';
import { CHAOS_PROFILE } from '../../harness/faithful';
import { formatChaosTable, formatFindings, type ChaosReport } from '../../harness/chaos/report';

// The reduced chaos run of the data: on its own dev server and moto, two database lifecycles
// (protect, failover, re-protect, failback) on the real worker in a process of its own, every AWS
// call through the fault proxy and the AWS-faithful layer, with the first answer of each data
// write lost after AWS did it, and the worker SIGKILLed while a data write is in flight.
describe('reduced chaos run of the data', () => {
  let report: ChaosReport;
  const lines: string[] = [];

  beforeAll(async () => {
    const t0 = Date.now();
    report = await runChaos({
      runs: 0,
      dataRuns: 2,
      dataKills: 3,
      killEverySeconds: 0,
      serverRestarts: 0,
      seed: 5,
      timeoutSeconds: 480,
      faithful: { ...CHAOS_PROFILE, lagSeconds: [1, 3], writeLagSeconds: [0.5, 1] },
      dataFaults: { lostPerWrite: 2, delayedPerWrite: 2 },
      log: (line) => lines.push(`[+${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`),
    });
    console.log(`${formatChaosTable(report)}\n${formatFindings(report.findings)}`);
  }, 560_000);

  afterAll(() => {
    if (report?.passed) fs.rmSync(report.logs.dir!, { recursive: true, force: true });
    else
      console.log(
        `chaos log:\n${lines.join('\n')}\nlogs and the SQLite history kept in ${report?.logs.dir ?? '.data/chaos'}`,
      );
  });

  it('GIVEN two lifecycles under lost answers and worker kills WHEN the run ends THEN every step completed, and each failover with outcome completed', () => {
    const outcomes = (report.dataRuns ?? []).map((d) =>
      Object.entries(d.steps).map(
        ([step, w]) => `${step} ${w.status} ${(w.result as { outcome?: string })?.outcome ?? ''}`,
      ),
    );
    const expected = [
      'protect COMPLETED ',
      'failover COMPLETED completed',
      'reprotect COMPLETED ',
      'failback COMPLETED completed',
    ];

    expect(outcomes).toEqual([expected, expected]);
    expect(report.totals.data?.completed).toBe(2);
  });

  it('GIVEN the same run WHEN the data is audited THEN no second replica, lost report, deleted database, double switch or unreported promotion', () => {
    expect(report.findings).toEqual([]);
    expect(report.passed).toBe(true);
  });

  it('GIVEN the same run WHEN what AWS did is counted THEN two replicas made, two promotions, one rename and two record switches per lifecycle', () => {
    expect(report.totals.data?.writes).toEqual({
      replicasCreated: 4,
      promotions: 4,
      renames: 2,
      recordSwitches: 4,
      deletes: 0,
    });
  });

  it('GIVEN the same run WHEN its chaos is counted THEN the worker was killed three times with a data write in flight, and the workflows retried answers lost and attempts killed', () => {
    const kills = report.totals.data?.kills ?? {};
    expect(Object.values(kills).reduce((a, b) => a + b, 0)).toBe(3);
    const causes = report.totals.data?.retries.byCause ?? {};
    expect({ lost: (causes.ResponseLost ?? 0) > 0, killed: (causes['timeout (worker killed)'] ?? 0) > 0 }).toEqual({
      lost: true,
      killed: true,
    });
  });
});
