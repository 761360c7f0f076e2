/**
 * Records DrDrill histories from the real dev server into test/histories/drdrill-*.json, for
 * test/replay.test.ts. Not part of `npm test`: run it by hand after a deliberate change to
 * the workflow, and commit the JSON with the change.
 *
 *   npx ts-node --transpile-only test/record/drill-histories.ts             # every history
 *   npx ts-node --transpile-only test/record/drill-histories.ts recovered   # only those named
 *
 * It starts its own Temporal dev server and moto on free ports, and stops them again. Each report
 * is printed; the repair drill's report is also written to .data/drill-sample-report.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DrillRequest } from '../../src/domain/drill/types';
import { abcDrillRequest, abcDrillWorld, deletedPeering, plantDrift } from '../support/drill/fixtures';
import { HealthSignals } from '../support/failover/health';
import { startTestWorker } from '../support/harness';
import { ROOT } from '../../harness/stack';
import { startRecordingServers } from './servers';

const OUT = path.join(ROOT, 'test', 'histories');

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const wanted = (name: string) => !only.length || only.includes(name);
  const servers = await startRecordingServers('record-drill-');
  const w = await startTestWorker();
  try {
    const setupId = 'abc-corp-peering';
    const { setup, failover } = await abcDrillWorld(w, setupId);
    const request = (over: Partial<DrillRequest> = {}): DrillRequest => abcDrillRequest(setupId, failover, over);

    const record = async (name: string, req: DrillRequest): Promise<unknown> => {
      if (!wanted(name)) return undefined;
      const workflowId = `drdrill-${name}`;
      const report = await w.client.workflow.execute('DrDrill', { taskQueue: w.taskQueue, workflowId, args: [req] });
      // The proto's own toJSON: int64 as strings, enums by name, as the replay test reads them.
      fs.writeFileSync(
        path.join(OUT, `${workflowId}.json`),
        `${JSON.stringify(await w.client.workflow.getHandle(workflowId).fetchHistory())}\n`,
      );
      console.log(`--- ${workflowId}\n${JSON.stringify(report, null, 2)}`);
      return report;
    };

    fs.mkdirSync(OUT, { recursive: true });
    if (wanted('recovered')) {
      // Patched 'failover-recovered-drill-checks': an alarm that exists and one that does not.
      const health = new HealthSignals(servers.moto.url, servers.moto.url);
      const alarm = await health.alarm('eu-west-1', 'abc-dr-5xx');
      const recoveredWhen = [alarm, 'abc-dr-latency'].map((alarmName) => ({
        kind: 'cloudwatch-alarm' as const,
        region: 'eu-west-1',
        alarmName,
      }));
      await record('recovered', request({ failover: { ...failover, recoveredWhen } }));
    }
    if (!only.length || only.some((n) => n !== 'recovered')) await plantDrift(setup);
    await record('drift', request());
    const sample = await record('repair', request({ repairDrift: true }));
    fs.mkdirSync(path.join(ROOT, '.data'), { recursive: true });
    if (sample)
      fs.writeFileSync(path.join(ROOT, '.data', 'drill-sample-report.json'), `${JSON.stringify(sample, null, 2)}\n`);
    await record('passed', request());
    await record('rto-missed', request({ rtoTargetSeconds: 0 }));
    await record('unknown-setup', request({ peering: { setupWorkflowId: 'no-such-setup' } }));

    if (!wanted('deleted-peering')) return;
    const pcx = await deletedPeering();
    await record(
      'deleted-peering',
      request({ peering: { peeringConnectionId: pcx, requesterRegion: 'us-east-1', accepterRegion: 'eu-west-1' } }),
    );
  } finally {
    await w.shutdown();
    await servers.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
