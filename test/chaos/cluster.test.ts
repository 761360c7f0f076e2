import * as fs from 'node:fs';
import { runChaos } from '../../harness/chaos';
import { CHAOS_PROFILE } from '../../harness/faithful';
import { formatChaosTable, formatFindings, type ChaosReport } from '../../harness/chaos/report';

// The reduced `npm run chaos -- --engine cluster`: its own Temporal server cluster on PostgreSQL
// (three nodes) and moto, the real worker as a separate process, every AWS call through the fault
// proxy and the AWS-faithful layer (1-3 s lags, as in the dev engine's reduced run); the worker is
// SIGKILLed once mid-activity and a node that does not hold the clients' frontend is SIGKILLed and
// restarted once.
describe('reduced chaos run on the cluster engine', () => {
  let report: ChaosReport;
  const lines: string[] = [];

  beforeAll(async () => {
    const t0 = Date.now();
    report = await runChaos({
      engine: 'cluster',
      runs: 4,
      killEverySeconds: 5,
      maxWorkerKills: 1,
      killWhen: 'in-peering-wait',
      serverRestarts: 1,
      // The setups only: the data runs have a reduced run of their own (data.test.ts).
      dataRuns: 0,
      seed: 11,
      timeoutSeconds: 170,
      faults: { notFoundSeconds: 10, provisioningSeconds: 3 },
      faithful: { ...CHAOS_PROFILE, lagSeconds: [1, 3], writeLagSeconds: [0.5, 1] },
      log: (line) => lines.push(`[+${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`),
    });
    console.log(`${formatChaosTable(report)}\n${formatFindings(report.findings)}`);
  }, 220_000);

  afterAll(() => {
    if (report?.passed) fs.rmSync(report.logs.dir!, { recursive: true, force: true });
    else console.log(`chaos log:\n${lines.join('\n')}\nlogs kept in ${report?.logs.dir ?? '.data/chaos'}`);
  });

  it('GIVEN 4 setups and teardowns under AWS faults, a worker SIGKILL and a node SIGKILL WHEN the run ends THEN every one COMPLETED, none lost or stuck, and moto holds no duplicate, leak or wrong state', () => {
    const outcomes = report.runs.map((r) => `${r.setupId}: setup ${r.setup.status}, teardown ${r.teardown?.status}`);

    expect(outcomes).toEqual(report.runs.map((r) => `${r.setupId}: setup COMPLETED, teardown COMPLETED`));
    expect(report.findings).toEqual([]);
    expect({
      lost: report.totals.lost + report.totals.stuck,
      duplicates: report.totals.duplicates,
      leaks: report.totals.leaks + report.totals.leftovers,
      wrongState: report.totals.wrongState,
    }).toEqual({ lost: 0, duplicates: 0, leaks: 0, wrongState: 0 });
  });

  it('GIVEN the same run WHEN its disruptions are counted THEN the worker and one node other than the frontend were each SIGKILLed once and restarted', () => {
    expect({ workerKills: report.totals.workerKills, nodeKills: report.totals.serverRestarts }).toEqual({
      workerKills: 1,
      nodeKills: 1,
    });
    expect(
      lines.filter((l) => /killing cluster node [23] \(127\.0\.0\.[23], not the clients' frontend\)/.test(l)),
    ).toHaveLength(1);
    expect(lines.filter((l) => /cluster node [23] .* back \(pid \d+\)/.test(l))).toHaveLength(1);
  });
});
