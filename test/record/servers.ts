/**
 * The servers a recording script runs on: its own Temporal dev server and moto on free ports, in
 * a temp dir, with a test env file pointing at them so the harness (startTestWorker, ec2) uses
 * them as it would in a jest run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeTestEnv } from '../support/env';
import { startMoto, startTemporalDevServer, type MotoServer, type TemporalDevServer } from '../../harness/stack';

export interface RecordingServers {
  temporal: TemporalDevServer;
  moto: MotoServer;
  /** Stops both servers and removes the temp dir. */
  stop(): Promise<void>;
}

export async function startRecordingServers(tmpPrefix: string): Promise<RecordingServers> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
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
    // Recordings run on raw moto: a history is a record of the code's commands, not of AWS's moods.
    awsUrl: moto.url,
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
    faithfulPid: null,
    faithfulLogFile: null,
    tmpDir: tmp,
    extraProcesses: [],
  });
  return {
    temporal,
    moto,
    async stop() {
      await moto.stop();
      await temporal.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
