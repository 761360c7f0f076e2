/** Stops every process this run recorded (servers, plus anything tests registered), then cleans up. */
import * as fs from 'node:fs';
import { LATEST_TEST_ENV_FILE, readTestEnv, recordedPids, testEnvFile } from './env';
import { stopProcessGroup } from '../../harness/stack';

export default async function globalTeardown(): Promise<void> {
  const runFile = testEnvFile();
  const env = readTestEnv(runFile);
  if (env) {
    // Extras come first in recordedPids: a test's worker should go before the server it talks to.
    for (const pid of recordedPids(env)) await stopProcessGroup(pid);
    if (env.tmpDir && !process.env.KEEP_TEST_DATA) fs.rmSync(env.tmpDir, { recursive: true, force: true });
    if (runFile !== LATEST_TEST_ENV_FILE) fs.rmSync(runFile, { force: true });
    if (readTestEnv(LATEST_TEST_ENV_FILE)?.ownerPid === env.ownerPid) fs.rmSync(LATEST_TEST_ENV_FILE, { force: true });
  }
  (globalThis as { __stackDisarm?: () => void }).__stackDisarm?.();
}
