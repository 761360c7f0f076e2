/**
 * The client CLI as a separate process, as a script or a person runs it (`npm run client -- …`):
 * through pipes, or inside a pseudo-terminal (util-linux `script`), on this run's Temporal server
 * and a test's task queue.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testEnv } from './env';
import { uniqueId } from './harness';
import { tsNodeCommand, tsNodeShellLine } from './ts-node';
import { ROOT } from '../../harness/stack';

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

/** With stdout and stderr captured through pipes (not a terminal). */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    const [command, commandArgs] = tsNodeCommand('src/client.ts', args);
    execFile(command, commandArgs, { cwd: ROOT, env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Both ways of running it, for one test file; `taskQueue` is read at each run (the worker starts in beforeAll). */
export function cliProcess(taskQueue: () => string) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));

  /** Inside a pseudo-terminal; stdout still goes to a file. */
  function cliOnTerminal(args: string[]): Promise<CliRun> {
    const out = path.join(tmp, `${uniqueId('stdout')}.json`);
    const command = `${tsNodeShellLine('src/client.ts', args)} > '${out}'`;
    return new Promise((resolve) => {
      execFile(
        'script',
        ['-qec', command, '/dev/null'],
        { cwd: ROOT, env: { ...cliEnv(taskQueue()), TERM: 'xterm-256color', COLUMNS: '120' } },
        (err, terminal) => {
          resolve({
            code: err ? Number((err as { code?: number }).code ?? 1) : 0,
            stdout: fs.readFileSync(out, 'utf8'),
            stderr: terminal,
          });
        },
      );
    });
  }

  return {
    cli: (args: string[]) => runCli(args, cliEnv(taskQueue())),
    cliOnTerminal,
    /** A temp dir for request files; removed by cleanUp(). */
    tmp,
    cleanUp: () => fs.rmSync(tmp, { recursive: true, force: true }),
  };
}
