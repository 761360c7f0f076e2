import * as fs from 'node:fs';
import { runChaos } from '../../harness/chaos';
import { CHAOS_PROFILE } from '../../harness/faithful';
import { formatChaosTable, formatFindings, type ChaosReport } from '../../harness/chaos/report';

// The reduced `npm run chaos`: its own dev server and moto (the run's shared server is never
// restarted), the real worker as a separate process, every AWS call through the fault proxy and
// the AWS-faithful layer, with lags of AWS's size (1-3 s) but fewer runs.
describe('reduced chaos run', () => {
  let report: ChaosReport;
  const lines: string[] = [];

  beforeAll(async () => {
    const t0 = Date.now();
    report = await runChaos({
      runs: 5,
      killEverySeconds: 5,
      maxWorkerKills: 1,
      killWhen: 'in-peering-wait',
      serverRestarts: 1,
      // The setups only: the data runs have a reduced run of their own (data.test.ts).
      dataRuns: 0,
      seed: 7,
      timeoutSeconds: 150,
      faults: { notFoundSeconds: 10, provisioningSeconds: 3 },
      faithful: { ...CHAOS_PROFILE, lagSeconds: [1, 3], writeLagSeconds: [0.5, 1] },
      log: (line) => lines.push(`[+${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`),
    });
    console.log(`${formatChaosTable(report)}\n${formatFindings(report.findings)}`);
  }, 175_000);

  afterAll(() => {
    if (report?.passed) fs.rmSync(report.logs.dir!, { recursive: true, force: true });
    else
      console.log(
        `chaos log:\n${lines.join('\n')}\nlogs and the SQLite history kept in ${report?.logs.dir ?? '.data/chaos'}`,
      );
  });

  it('GIVEN 5 setups and teardowns under throttling, lost responses, NotFound and provisioning windows WHEN the run ends THEN every setup and teardown COMPLETED and none was lost or stuck', () => {
    const outcomes = report.runs.map(
      (r) =>
        `${r.setupId}: setup ${r.setup.status}, teardown ${r.teardown?.status ?? 'not run'}${(r.setup.error ?? r.teardown?.error) ? ` (${r.setup.error ?? r.teardown?.error})` : ''}`,
    );

    expect(outcomes).toEqual(report.runs.map((r) => `${r.setupId}: setup COMPLETED, teardown COMPLETED`));
    expect({ lost: report.totals.lost, stuck: report.totals.stuck }).toEqual({ lost: 0, stuck: 0 });
  });

  it('GIVEN the same run WHEN moto is audited directly in both regions THEN there are no duplicates, no leaks and no wrong state', () => {
    expect(report.findings).toEqual([]);
    expect({
      duplicates: report.totals.duplicates,
      leaks: report.totals.leaks + report.totals.leftovers,
      wrongState: report.totals.wrongState,
    }).toEqual({ duplicates: 0, leaks: 0, wrongState: 0 });
  });

  it('GIVEN the same run WHEN its chaos is counted THEN the worker was SIGKILLed once mid-activity, the server restarted once, and faults of every kind and the layer AWS behaviours were met', () => {
    expect({ workerKills: report.totals.workerKills, serverRestarts: report.totals.serverRestarts }).toEqual({
      workerKills: 1,
      serverRestarts: 1,
    });
    // The kill cost at least one in-flight activity its attempt: it timed out and was retried.
    expect(report.totals.retries.byCause['timeout (worker killed)'] ?? 0).toBeGreaterThan(0);
    // The fault rules, and the AWS behaviours of the faithful layer the run went through.
    const layer = ['eventual-consistency', 'not-found-after-create', 'peering-deleting'];
    for (const kind of ['throttle', 'lose-response', 'peering-not-found', 'peering-provisioning', ...layer]) {
      expect({ kind, injected: (report.totals.faults[kind] ?? 0) > 0 }).toEqual({ kind, injected: true });
    }
  });
});
