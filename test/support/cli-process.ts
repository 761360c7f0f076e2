/** The client CLI as a script runs it (`npm run client -- …`), with stdout and stderr through pipes. */
import { execFile } from 'node:child_process';
import { testEnv } from './env';
import { ROOT } from './stack';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a user's shell would give it: this run's Temporal server and a worker's task queue. */
export function cliEnv(taskQueue: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: testEnv().temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_UI_URL: testEnv().temporalUiUrl,
  };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['ts-node', '--transpile-only', 'src/client.ts', ...args],
      { cwd: ROOT, env },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}
