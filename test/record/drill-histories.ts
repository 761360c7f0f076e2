/**
 * Records DrDrill histories from the real dev server into test/histories/drdrill-*.json, for
 * test/replay.test.ts. Not part of `npm test`: run it by hand after a deliberate change to
 * the workflow, and commit the JSON with the change.
 *
 *   npx ts-node --transpile-only test/record/drill-histories.ts
 *
 * It starts its own Temporal dev server and moto on free ports, and stops them again. Each report
 * is printed; the repair drill's report is also written to .data/drill-sample-report.json.
 */
import {
  AcceptVpcPeeringConnectionCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteVpcPeeringConnectionCommand,
} from '@aws-sdk/client-ec2';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DrillRequest } from '../../src/domain/drill-types';
import type { PeeringResult } from '../../src/domain/types';
import { ABC, createFailoverTargets, plantDrift } from '../support/drill-fixtures';
import { writeTestEnv } from '../support/env';
import { ec2, startTestWorker } from '../support/harness';
import { ROOT, startMoto, startTemporalDevServer } from '../support/stack';

const OUT = path.join(ROOT, 'test', 'histories');

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'record-drill-'));
  const [temporal, moto] = await Promise.all([
    startTemporalDevServer({ dbFile: path.join(tmp, 'temporal.db') }),
    startMoto({}),
  ]);
  process.env.TEST_ENV_FILE = path.join(tmp, 'env.json');
  writeTestEnv({
    ownerPid: process.pid,
    temporalAddress: temporal.address,
    temporalUiUrl: temporal.uiUrl,
    motoUrl: moto.url,
    temporalBin: temporal.bin,
    temporalPid: temporal.pid,
    motoPid: moto.pid,
    dbFile: temporal.dbFile,
    temporalPort: temporal.port,
    temporalUiPort: temporal.uiPort,
    temporalLogFile: temporal.logFile,
    motoPort: moto.port,
    motoBin: null,
    motoLogFile: moto.logFile,
    tmpDir: tmp,
    extraProcesses: [],
  });
  const w = await startTestWorker();
  try {
    const setupId = 'abc-corp-peering';
    const [setup, failover] = await Promise.all([
      w.client.workflow.execute('SetupInterRegionPeering', {
        taskQueue: w.taskQueue,
        workflowId: setupId,
        args: [ABC],
      }) as Promise<PeeringResult>,
      createFailoverTargets(),
    ]);
    const request = (over: Partial<DrillRequest> = {}): DrillRequest => ({
      name: 'abc-corp',
      peering: { setupWorkflowId: setupId },
      failover,
      rtoTargetSeconds: 300,
      ...over,
    });

    const record = async (name: string, req: DrillRequest): Promise<unknown> => {
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
    await plantDrift(setup);
    await record('drift', request());
    const sample = await record('repair', request({ repairDrift: true }));
    fs.mkdirSync(path.join(ROOT, '.data'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, '.data', 'drill-sample-report.json'), `${JSON.stringify(sample, null, 2)}\n`);
    await record('passed', request());
    await record('rto-missed', request({ rtoTargetSeconds: 0 }));
    await record('unknown-setup', request({ peering: { setupWorkflowId: 'no-such-setup' } }));

    const [a, b] = await Promise.all([
      ec2('us-east-1').send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' })),
      ec2('eu-west-1').send(new CreateVpcCommand({ CidrBlock: '10.21.0.0/16' })),
    ]);
    const pcx = (
      await ec2('us-east-1').send(
        new CreateVpcPeeringConnectionCommand({
          VpcId: a.Vpc!.VpcId,
          PeerVpcId: b.Vpc!.VpcId,
          PeerRegion: 'eu-west-1',
        }),
      )
    ).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await ec2('eu-west-1').send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    await ec2('us-east-1').send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    await record(
      'deleted-peering',
      request({ peering: { peeringConnectionId: pcx, requesterRegion: 'us-east-1', accepterRegion: 'eu-west-1' } }),
    );
  } finally {
    await w.shutdown();
    await moto.stop();
    await temporal.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
