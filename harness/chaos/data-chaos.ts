/**
 * The data side of a chaos run, as index.ts drives it: the worlds made in moto before the runs
 * start, the runs themselves alongside the setups, and after them the retries read from the
 * histories, the audit and the figures.
 */
import type { Client } from '@temporalio/client';
import type { Finding } from './audit';
import { auditData } from './audit-data';
import { snapshotData } from './audit-data-snapshot';
import { DATA_STEPS, dataWorkflowId, runDataSteps, type DataRunRecord } from './data-run';
import { makeDataWorld } from './data-world';
import type { Ledger } from './ledger';
import { addRetries, emptyRetries, retriesOf } from './report';
import { dataTotals, type DataTotals } from './report-data';
import { type WorkflowTracker } from './workflows';

/** Workflow ids of data runs start with this (after the run's prefix). */
export const dataRunId = (runTag: string, index: number) => `chaos-${runTag}-data-${String(index).padStart(2, '0')}`;

export async function prepareDataRuns(motoUrl: string, count: number, runTag: string): Promise<DataRunRecord[]> {
  const worlds = [];
  // One after another: moto is single-threaded, and these are a few dozen calls each.
  for (let i = 0; i < count; i++) worlds.push(await makeDataWorld(motoUrl, i, runTag));
  return worlds.map((world, index) => ({
    index,
    runId: dataRunId(runTag, index),
    world,
    steps: {},
    retries: emptyRetries(),
  }));
}

export interface DataRunsOptions {
  tracker: WorkflowTracker;
  motoUrl: string;
  runTag: string;
  total: number;
  log: (line: string) => void;
}

export async function runDataRuns(records: DataRunRecord[], o: DataRunsOptions): Promise<DataRunRecord[]> {
  const tags = { Project: 'chaos', ChaosRun: o.runTag };
  await Promise.all(records.map((record) => runDataSteps(record, { ...o, tags })));
  return records;
}

export interface DataAuditOptions {
  client: Client;
  layerUrl: string;
  motoUrl: string;
  ledger: Ledger;
  kills: Record<string, number>;
  log: (line: string) => void;
}

export async function auditDataRuns(
  records: DataRunRecord[],
  o: DataAuditOptions,
): Promise<{ findings: Finding[]; totals: DataTotals }> {
  for (const record of records) {
    for (const step of DATA_STEPS) {
      const outcome = record.steps[step];
      if (!outcome || outcome.status === 'NOT_STARTED') continue;
      const id = dataWorkflowId(record.runId, step);
      try {
        addRetries(record.retries, await retriesOf(o.client, id));
      } catch (err) {
        o.log(`cannot read the history of ${id}: ${(err as Error).message}`);
      }
    }
  }
  const snapshot = await snapshotData(records, o);
  const findings = auditData(records, snapshot);
  return { findings, totals: dataTotals(records, findings, snapshot.ledger, o.kills) };
}
