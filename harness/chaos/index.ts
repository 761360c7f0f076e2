/**
 * Chaos run: N setups then their teardowns, all at once, on its own Temporal (the dev server, or the
 * cluster on PostgreSQL) and moto, with every AWS call of the real worker going through the fault
 * proxy, which is also the AWS-faithful layer (AWS-sized lags) unless told to run raw moto. The
 * worker is SIGKILLed and restarted every few seconds, and the dev server (on the cluster: a node
 * that does not hold the clients' frontend) is killed and restarted mid-run. Then moto is audited
 * directly for duplicates, leaks and wrong state.
 */
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PeeringResult } from '../../src/domain/peering/types';
import { MotoAuditor, type AuditedRun, type Finding } from './audit';
import { auditDataRuns, prepareDataRuns, runDataRuns } from './data-chaos';
import { killInDataWrites, withKillLock } from './data-kills';
import { dataFaultRules, type DataFaultLevels } from './data-plan';
import { startLedger, type Ledger } from './ledger';
import { killWorkerRepeatedly, restartServerRepeatedly } from './disruptions';
import { startChaosEngine, type ChaosEngine, type ChaosEngineName } from './engine';
import { chaosFaultRules, chaosRequest, type FaultLevels } from './plan';
import {
  addRetries,
  chaosPassed,
  chaosTotals,
  emptyRetries,
  retriesOf,
  type ChaosReport,
  type RunRecord,
} from './report';
import { chaosWorker, type ChaosWorker } from './worker';
import { WorkflowTracker } from './workflows';
import { CHAOS_PROFILE, type FaithfulOptions } from '../faithful';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../fault-proxy';
import { seededRandom } from '../seeded-random';
import { ROOT, killProcessGroupSync, startMoto, type MotoServer } from '../stack';

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
  /** The dev server, or the cluster on PostgreSQL (three nodes). @default 'dev' */
  engine?: ChaosEngineName;
  /**
   * Kill-and-restarts of the dev server, or of a cluster node that does not hold the clients'
   * frontend, spread over the run by the number of closed workflows. @default 1
   */
  serverRestarts?: number;
  /** Seeds the fault proxy and the kill timing. @default 1 */
  seed?: number;
  /** Workflows still open after this are reported as stuck. @default 1800 */
  timeoutSeconds?: number;
  faults?: FaultLevels;
  /** The AWS-faithful layer's settings, or false for raw moto behind the fault rules. @default CHAOS_PROFILE */
  faithful?: FaithfulOptions | false;
  /**
   * Data runs alongside the setups: each protects a database made for it, fails over to the DR
   * region, re-protects back and fails back (data-run.ts), audited by audit-data.ts. @default 2
   */
  dataRuns?: number;
  /** Worker SIGKILLs aimed at a data write in flight (data-kills.ts). @default 2 per data run */
  dataKills?: number;
  dataFaults?: DataFaultLevels;
  /** Progress lines. @default to stderr */
  log?: (line: string) => void;
}

export async function runChaos(options: ChaosOptions = {}): Promise<ChaosReport> {
  const o = {
    runs: options.runs ?? 20,
    killEverySeconds: options.killEverySeconds ?? 10,
    maxWorkerKills: options.maxWorkerKills ?? Number.POSITIVE_INFINITY,
    killWhen: options.killWhen ?? 'any-time',
    engine: options.engine ?? 'dev',
    serverRestarts: options.serverRestarts ?? 1,
    seed: options.seed ?? 1,
    timeoutSeconds: options.timeoutSeconds ?? 1800,
    dataRuns: options.dataRuns ?? 2,
    dataKills: options.dataKills ?? 2 * (options.dataRuns ?? 2),
  };
  const faithful = options.faithful === undefined ? CHAOS_PROFILE : options.faithful;
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
  const random = seededRandom(o.seed);
  const logs = {
    dir: workDir,
    worker: path.join(workDir, 'worker.log'),
    temporal: o.engine === 'cluster' ? path.join(workDir, 'cluster') : path.join(workDir, 'temporal.log'),
    moto: path.join(workDir, 'moto.log'),
  };

  let moto: MotoServer | undefined;
  let temporal: ChaosEngine | undefined;
  let proxy: FaultProxy | undefined;
  let ledger: Ledger | undefined;
  let worker: ChaosWorker | undefined;
  let connection: Connection | undefined;
  const auditor = { current: undefined as MotoAuditor | undefined };
  // If the caller dies mid-run, nothing of ours may outlive it.
  const killAllSync = () => {
    worker?.killSync();
    temporal?.killSync();
    if (moto) killProcessGroupSync(moto.pid, 'SIGKILL');
  };
  process.once('exit', killAllSync);

  try {
    log(
      `starting moto and Temporal (${o.engine === 'cluster' ? 'the cluster on PostgreSQL' : 'the dev server'}) in ${workDir}`,
    );
    [moto, temporal] = await Promise.all([startMoto({ logFile: logs.moto }), startChaosEngine(o.engine, workDir)]);
    const rules: FaultRule[] = [...chaosFaultRules(options.faults), ...dataFaultRules(o.dataRuns, options.dataFaults)];
    // Between the proxy and moto: the ledger of the data writes moto accepted, for the data audit.
    ledger = await startLedger(moto.url);
    proxy = await startFaultProxy({ target: ledger.url, seed: o.seed, ...(faithful ? { faithful } : {}) });
    proxy.setRules(rules);
    const taskQueue = `chaos-${runTag}`;
    worker = chaosWorker({
      entry: path.join(workDir, 'src', 'worker.ts'),
      temporalAddress: temporal.address,
      taskQueue,
      awsEndpoint: proxy.url,
      logFile: logs.worker,
    });
    const layer = faithful ? `AWS-faithful layer, lag ${faithful.lagSeconds.join('-')} s` : 'raw moto';
    log(`${temporal.description}, moto ${moto.url}, fault proxy ${proxy.url} (${layer}); starting the worker`);
    await worker.start();
    log(`worker ready (pid ${worker.pid}); starting ${o.runs} setups`);
    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    auditor.current = new MotoAuditor(moto.url);
    const dataRecords = await prepareDataRuns(moto.url, o.dataRuns, runTag);
    if (o.dataRuns) log(`${o.dataRuns} data runs: their databases, networks, peerings and zones made in moto`);

    const tracker = new WorkflowTracker(client, { taskQueue, deadline, timeoutSeconds: o.timeoutSeconds, log });
    let done = false;
    const total = 2 * o.runs + 4 * o.dataRuns;
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
      if (!(await tracker.start('SetupInterRegionPeering', setupId, [request]))) return record;
      record.setup = await tracker.awaitClose(setupId, since);
      log(
        `${setupId} setup ${record.setup.status} after ${record.setup.seconds} s (${tracker.closed}/${total} closed)`,
      );
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
      if (!(await tracker.start('TeardownInterRegionPeering', record.teardownId, [{ setupWorkflowId: setupId }]))) {
        record.teardown = { workflowId: record.teardownId, status: 'NOT_STARTED', seconds: 0 };
        return record;
      }
      record.teardown = await tracker.awaitClose(record.teardownId, teardownSince);
      audit.finished = record.teardown.status === 'COMPLETED';
      log(
        `${setupId} teardown ${record.teardown.status} after ${record.teardown.seconds} s (${tracker.closed}/${total} closed)`,
      );
      return record;
    };

    const lockedWorker = withKillLock(worker);
    const killer = killWorkerRepeatedly({
      worker: lockedWorker,
      killEverySeconds: o.killEverySeconds,
      maxWorkerKills: o.maxWorkerKills,
      killWhen: o.killWhen,
      random,
      done: () => done,
      onlyPeeringWaitsRunning: () => tracker.onlyPeeringWaitsRunning(),
      log,
    });
    const restarter = restartServerRepeatedly({
      engine: temporal,
      serverRestarts: o.serverRestarts,
      total,
      closed: () => tracker.closed,
      done: () => done,
      log,
    });

    const dataKiller = killInDataWrites({
      worker: lockedWorker,
      maxKills: o.dataRuns ? o.dataKills : 0,
      running: () => tracker.runningActivities(`chaos-${runTag}-data-`),
      done: () => done,
      log,
    });
    const [records] = await Promise.all([
      Promise.all(Array.from({ length: o.runs }, (_, i) => runOne(i))),
      runDataRuns(dataRecords, { tracker, motoUrl: moto.url, runTag, total, log }),
    ]);
    done = true;
    const [, serverRestarts, dataKills] = await Promise.all([killer, restarter, dataKiller]);
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
    const data = o.dataRuns
      ? await auditDataRuns(dataRecords, {
          client,
          layerUrl: proxy.url,
          motoUrl: moto.url,
          ledger,
          kills: dataKills,
          log,
        })
      : undefined;
    if (data) findings.push(...data.findings);
    const totals = chaosTotals({
      runs: o.runs,
      records,
      findings,
      stats: proxy.stats(),
      workerKills: worker.kills,
      workerUnexpectedExits: worker.unexpectedExits,
      serverRestarts,
      ...(data ? { data: data.totals } : {}),
    });
    return {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - t0) / 1000),
      passed: chaosPassed(totals),
      options: {
        ...o,
        maxWorkerKills: Number.isFinite(o.maxWorkerKills) ? o.maxWorkerKills : null,
        faults: rules.map((r) => ({ ...r, action: r.action === undefined ? undefined : String(r.action) })),
        faithful,
      },
      totals,
      findings,
      runs: records,
      ...(o.dataRuns ? { dataRuns: dataRecords } : {}),
      logs,
    };
  } finally {
    auditor.current?.close();
    await connection?.close().catch(() => undefined);
    await worker?.stop().catch(() => undefined);
    await proxy?.close().catch(() => undefined);
    await ledger?.close().catch(() => undefined);
    await temporal?.stop().catch(() => undefined);
    await moto?.stop().catch(() => undefined);
    process.off('exit', killAllSync);
  }
}
