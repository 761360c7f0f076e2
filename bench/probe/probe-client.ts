/** The bench's side of bench/probe/worker-probe.ts: compiles it for the worker process and asks it. */
import { type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import type { ProbeRequest, ProbeStatus, Unnumbered } from './worker-probe';

const SOURCE = path.join(__dirname, 'worker-probe.ts');
const OUT = path.resolve(__dirname, '..', '..', '.data', 'logs', 'worker-probe.js');

/** The probe as CommonJS beside the bench's logs (under the project, so it resolves @temporalio/worker). */
export function compiledProbe(): string {
  const { outputText } = ts.transpileModule(fs.readFileSync(SOURCE, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, outputText);
  return OUT;
}

export interface ProbeClient {
  /** With `gc: false`, as the heaps are, garbage included (for sampling during a burst). */
  status(gc?: boolean): Promise<ProbeStatus>;
  /** Writes a heap snapshot of the workflow thread to `file`. */
  snapshot(file: string): Promise<void>;
}

export function probeClient(child: ChildProcess): ProbeClient {
  let next = 0;
  const ask = <T>(req: Unnumbered<ProbeRequest>, timeoutMs = 120_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`worker probe: no answer to ${req.kind} in ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (m: { id: number } & T) => {
        if (m.id !== id) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.send({ ...req, id });
    });
  return {
    status: async (gc = true) => (await ask<{ status: ProbeStatus }>({ kind: 'status', gc })).status,
    snapshot: async (file) => {
      await ask({ kind: 'snapshot', file });
    },
  };
}
