/**
 * Chaos run: N setups then their teardowns, all at once, on its own Temporal dev server and moto,
 * with every AWS call of the real worker going through the fault proxy. The worker is SIGKILLed
 * and restarted every few seconds and the dev server is killed and restarted mid-run on the same
 * SQLite file. Then moto is audited directly for duplicates, leaks and wrong state.
 */
import { Client, Connection, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PeeringResult } from '../../src/domain/types';
import { MotoAuditor, type AuditedRun, type Finding } from './chaos-audit';
import { chaosFaultRules, chaosRequest, type FaultLevels } from './chaos-plan';
import {
  addRetries,
  emptyRetries,
  retriesOf,
  type ChaosReport,
  type RunRecord,
  type RunStatus,
  type WorkflowOutcome,
} from './chaos-report';
import { chaosWorker, type ChaosWorker } from './chaos-worker';
import { startFaultProxy, type FaultProxy, type FaultRule } from './fault-proxy';
import {
  ROOT,
  killProcessGroupSync,
  startMoto,
  startTemporalDevServer,
  type MotoServer,
  type TemporalDevServer,
} from './stack';

export interface ChaosOptions {
  /** Setups (each followed by its teardown), all started at once. @default 20 */
  runs?: number;
  /** Mean seconds between worker SIGKILLs, counted from when the worker is ready again; 0 = never. @default 10 */
  killEverySeconds?: number;
  /** Stop killing after this many. @default unlimited */
  maxWorkerKills?: number;
  /**
   * `any-time` kills on the timer alone. `in-peering-wait` also waits (up to a minute) until every
   * activity running on the worker is a heartbeating peering wait, so the kill lands mid-activity
   * and recovery costs the 45 s heartbeat timeout: for short CI runs.
   * @default 'any-time'
   */
  killWhen?: 'any-time' | 'in-peering-wait';
  /** Dev-server kill-and-restarts, spread over the run by the number of closed workflows. @default 1 */
  serverRestarts?: number;
  /** Seeds the fault proxy and the kill timing. @default 1 */
  seed?: number;
  /** Workflows still open after this are reported as stuck. @default 1800 */
  timeoutSeconds?: number;
  faults?: FaultLevels;
  /** Progress lines. @default to stderr */
  log?: (line: string) => void;
}

const POLL_MS = 2_000;
const PEERING_WAITS = new Set(['establishPeering', 'acceptPeering', 'waitPeeringActive']);
/** temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED: running on a worker. */
const ACTIVITY_STARTED = 2;
/** A workflow the server denies knowing for this long after a restart is lost. */
const LOST_AFTER_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function failureChain(err: unknown): string {
  const lines: string[] = [];
  let cur: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  while (cur instanceof Error && lines.length < 5) {
    const type = (cur as { type?: string }).type;
    lines.push(`${type ? `${type}: ` : ''}${cur.message}`);
    cur = (cur as { cause?: unknown }).cause;
  }
  return lines.join('\n  caused by ');
}

export async function runChaos(options: ChaosOptions = {}): Promise<ChaosReport> {
  const o = {
    runs: options.runs ?? 20,
    killEverySeconds: options.killEverySeconds ?? 10,
    maxWorkerKills: options.maxWorkerKills ?? Number.POSITIVE_INFINITY,
    killWhen: options.killWhen ?? 'any-time',
    serverRestarts: options.serverRestarts ?? 1,
    seed: options.seed ?? 1,
    timeoutSeconds: options.timeoutSeconds ?? 1800,
  };
  const startedAt = new Date();
  const runTag = `${startedAt.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}-${randomBytes(2).toString('hex')}`;
  // Inside the checkout, so the snapshot of src/ below resolves node_modules like the original.
  const workDir = path.join(ROOT, '.data', 'chaos', runTag);
  fs.mkdirSync(workDir, { recursive: true });
  // The worker is restarted dozens of times; it must run one version of the code throughout, not
  // whatever src/ holds at each restart, or a history recorded by one version fails to replay.
  fs.cpSync(path.join(ROOT, 'src'), path.join(workDir, 'src'), { recursive: true });
  const t0 = Date.now();
  const log =
    options.log ?? ((line: string) => console.error(`[chaos +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`));
  const deadline = t0 + o.timeoutSeconds * 1000;
  const random = seeded(o.seed);
  const logs = {
    dir: workDir,
    worker: path.join(workDir, 'worker.log'),
    temporal: path.join(workDir, 'temporal.log'),
    moto: path.join(workDir, 'moto.log'),
  };

  let moto: MotoServer | undefined;
  let temporal: TemporalDevServer | undefined;
  let proxy: FaultProxy | undefined;
  let worker: ChaosWorker | undefined;
  let connection: Connection | undefined;
  const auditor = { current: undefined as MotoAuditor | undefined };
  // If the caller dies mid-run, nothing of ours may outlive it.
  const killAllSync = () => {
    worker?.killSync();
    if (temporal) killProcessGroupSync(temporal.pid, 'SIGKILL');
    if (moto) killProcessGroupSync(moto.pid, 'SIGKILL');
  };
  process.once('exit', killAllSync);

  try {
    log(`starting moto and a Temporal dev server in ${workDir}`);
    [moto, temporal] = await Promise.all([
      startMoto({ logFile: logs.moto }),
      startTemporalDevServer({ dbFile: path.join(workDir, 'temporal.db'), logFile: logs.temporal }),
    ]);
    const rules: FaultRule[] = chaosFaultRules(options.faults);
    proxy = await startFaultProxy({ target: moto.url, seed: o.seed });
    proxy.setRules(rules);
    const taskQueue = `chaos-${runTag}`;
    worker = chaosWorker({
      entry: path.join(workDir, 'src', 'worker.ts'),
      temporalAddress: temporal.address,
      taskQueue,
      awsEndpoint: proxy.url,
      logFile: logs.worker,
    });
    log(
      `Temporal ${temporal.address} (UI ${temporal.uiUrl}), moto ${moto.url}, fault proxy ${proxy.url}; starting the worker`,
    );
    await worker.start();
    log(`worker ready (pid ${worker.pid}); starting ${o.runs} setups`);
    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    auditor.current = new MotoAuditor(moto.url);

    const state = { closed: 0, done: false, serverRestarts: 0 };
    const open = new Set<string>();
    const total = 2 * o.runs;

    const startWorkflow = async (type: string, workflowId: string, args: unknown[]): Promise<boolean> => {
      for (;;) {
        try {
          await client.workflow.start(type, { taskQueue, workflowId, args, staticSummary: `chaos ${type}` });
          return true;
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) return true; // the answer to an earlier try was lost
          if (Date.now() > deadline) return false;
          log(`start ${workflowId} failed (${(err as Error).message.split('\n')[0]}); retrying`);
          await sleep(POLL_MS);
        }
      }
    };

    const awaitClose = async (workflowId: string, since: number): Promise<WorkflowOutcome> => {
      const handle = client.workflow.getHandle(workflowId);
      let notFoundSince: number | undefined;
      open.add(workflowId);
      const outcome = (status: RunStatus, extra: Partial<WorkflowOutcome> = {}): WorkflowOutcome => ({
        workflowId,
        status,
        seconds: Math.round((Date.now() - since) / 1000),
        ...extra,
      });
      for (;;) {
        try {
          const { status } = await handle.describe();
          notFoundSince = undefined;
          if (status.name !== 'RUNNING' && status.name !== 'UNSPECIFIED' && status.name !== 'UNKNOWN') {
            state.closed++;
            open.delete(workflowId);
            try {
              return outcome(status.name as RunStatus, { result: await handle.result() });
            } catch (err) {
              return outcome(status.name as RunStatus, { error: failureChain(err) });
            }
          }
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) {
            notFoundSince ??= Date.now();
            if (Date.now() - notFoundSince > LOST_AFTER_MS) {
              open.delete(workflowId);
              return outcome('LOST', { error: 'the server no longer knows this workflow' });
            }
          }
        }
        if (Date.now() > deadline) {
          open.delete(workflowId);
          return outcome('STUCK', { error: `still open after ${o.timeoutSeconds} s` });
        }
        await sleep(POLL_MS);
      }
    };

    const findings: Finding[] = [];
    const audited: AuditedRun[] = [];

    const runOne = async (index: number): Promise<RunRecord> => {
      const setupId = `chaos-${runTag}-${String(index).padStart(3, '0')}`;
      const request = chaosRequest(index, runTag);
      const record: RunRecord = {
        index,
        setupId,
        teardownId: `${setupId}-teardown`,
        regions: [request.requester.region, request.accepter.region],
        cidrs: [request.requester.cidrBlock!, request.accepter.cidrBlock!],
        setup: { workflowId: setupId, status: 'NOT_STARTED', seconds: 0 },
        retries: emptyRetries(),
      };
      const audit: AuditedRun = { setupId, request, seenPeeringIds: [], finished: false };
      audited.push(audit);
      const since = Date.now();
      if (!(await startWorkflow('SetupInterRegionPeering', setupId, [request]))) return record;
      record.setup = await awaitClose(setupId, since);
      log(`${setupId} setup ${record.setup.status} after ${record.setup.seconds} s (${state.closed}/${total} closed)`);
      if (record.setup.status !== 'COMPLETED') {
        // A failed setup rolls back: nothing of it may remain either.
        audit.finished = record.setup.status === 'FAILED';
        return record;
      }
      audit.result = record.setup.result as PeeringResult;
      const checked = await auditor.current!.auditSetup({ ...audit, result: audit.result });
      findings.push(...checked.findings);
      audit.seenPeeringIds = checked.peeringIds;

      const teardownSince = Date.now();
      if (!(await startWorkflow('TeardownInterRegionPeering', record.teardownId, [{ setupWorkflowId: setupId }]))) {
        record.teardown = { workflowId: record.teardownId, status: 'NOT_STARTED', seconds: 0 };
        return record;
      }
      record.teardown = await awaitClose(record.teardownId, teardownSince);
      audit.finished = record.teardown.status === 'COMPLETED';
      log(
        `${setupId} teardown ${record.teardown.status} after ${record.teardown.seconds} s (${state.closed}/${total} closed)`,
      );
      return record;
    };

    /** True when every activity running on the worker is a heartbeating peering wait (and there is one). */
    const onlyPeeringWaitsRunning = async (): Promise<boolean> => {
      const running = (
        await Promise.all(
          [...open].map((id) =>
            client.workflow
              .getHandle(id)
              .describe()
              .then(
                (d) => d.raw.pendingActivities ?? [],
                () => [],
              ),
          ),
        )
      )
        .flat()
        .filter((a) => Number(a.state) === ACTIVITY_STARTED);
      return running.length > 0 && running.every((a) => PEERING_WAITS.has(a.activityType?.name ?? ''));
    };

    const killer = (async () => {
      if (o.killEverySeconds <= 0) return;
      while (!state.done && worker.kills < o.maxWorkerKills) {
        const wait = o.killEverySeconds * 1000 * (0.5 + random());
        const until = Date.now() + wait;
        while (!state.done && Date.now() < until) await sleep(200);
        if (state.done) return;
        if (o.killWhen === 'in-peering-wait') {
          const giveUp = Date.now() + 60_000;
          while (!state.done && Date.now() < giveUp && !(await onlyPeeringWaitsRunning())) await sleep(500);
          if (state.done) return;
        }
        const old = worker.pid;
        await worker.killAndRestart();
        log(`worker pid ${old} SIGKILLed (#${worker.kills}); new worker pid ${worker.pid} ready`);
      }
    })();

    const restarter = (async () => {
      for (let j = 1; j <= o.serverRestarts; j++) {
        const threshold = Math.max(1, Math.round((j * total) / (o.serverRestarts + 1)));
        while (!state.done && state.closed < threshold) await sleep(200);
        if (state.done) return;
        const down = Date.now();
        log(`killing the Temporal dev server (pid ${temporal.pid}) after ${state.closed}/${total} closed workflows`);
        await temporal.stop({ signal: 'SIGKILL' });
        await temporal.restart();
        state.serverRestarts++;
        log(
          `Temporal dev server back (pid ${temporal.pid}) on the same ports and SQLite file after ${((Date.now() - down) / 1000).toFixed(1)} s`,
        );
      }
    })();

    const records = await Promise.all(Array.from({ length: o.runs }, (_, i) => runOne(i)));
    state.done = true;
    await Promise.all([killer, restarter]);
    log('all runs closed; reading histories and auditing moto');

    for (const record of records) {
      for (const id of [record.setupId, ...(record.teardown ? [record.teardownId] : [])]) {
        try {
          addRetries(record.retries, await retriesOf(client, id));
        } catch (err) {
          log(`cannot read the history of ${id}: ${(err as Error).message}`);
        }
      }
    }
    findings.push(...(await auditor.current.auditLeaks(audited)));
    const stats = proxy.stats();
    const count = (kind: Finding['kind']) => findings.filter((f) => f.kind === kind).length;
    const statusCount = (s: RunStatus) =>
      records.filter((r) => r.setup.status === s || r.teardown?.status === s).length;
    const totals = {
      runs: o.runs,
      completed: records.filter((r) => r.setup.status === 'COMPLETED' && r.teardown?.status === 'COMPLETED').length,
      failed: records.filter((r) =>
        ['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'].some(
          (s) => r.setup.status === s || r.teardown?.status === s,
        ),
      ).length,
      lost: statusCount('LOST') + statusCount('NOT_STARTED'),
      stuck: statusCount('STUCK'),
      duplicates: count('duplicate'),
      leaks: count('leak'),
      leftovers: count('leftover'),
      wrongState: count('wrong-state'),
      retries: records.reduce((acc, r) => addRetries(acc, r.retries), emptyRetries()),
      faults: stats.injected,
      awsRequests: stats.requests,
      workerKills: worker.kills,
      workerUnexpectedExits: worker.unexpectedExits,
      serverRestarts: state.serverRestarts,
    };
    const passed =
      totals.completed === o.runs &&
      totals.duplicates + totals.leaks + totals.leftovers + totals.wrongState + totals.lost + totals.stuck === 0;
    return {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - t0) / 1000),
      passed,
      options: {
        ...o,
        maxWorkerKills: Number.isFinite(o.maxWorkerKills) ? o.maxWorkerKills : null,
        faults: rules.map((r) => ({ ...r, action: r.action === undefined ? undefined : String(r.action) })),
      },
      totals,
      findings,
      runs: records,
      logs,
    };
  } finally {
    auditor.current?.close();
    await connection?.close().catch(() => undefined);
    await worker?.stop().catch(() => undefined);
    await proxy?.close().catch(() => undefined);
    await temporal?.stop().catch(() => undefined);
    await moto?.stop().catch(() => undefined);
    process.off('exit', killAllSync);
  }
}
