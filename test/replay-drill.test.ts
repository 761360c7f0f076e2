/**
 * Replays recorded DrDrill histories (test/record/drill-histories.ts) against today's workflow
 * code. A change that would break drills already in flight, or scheduled ones, fails here first.
 */
// A transitive dependency of @temporalio/client, pinned with it in package-lock.json.
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as path from 'node:path';

const HISTORIES = path.resolve(__dirname, 'histories');
const files = fs.readdirSync(HISTORIES).filter((f) => /^drdrill-.+\.json$/.test(f)).sort();

test('the recorded drills cover drift found, drift repaired, a pass, a missed RTO, an unknown setup and a deleted peering', () => {
  expect(files).toEqual(
    expect.arrayContaining(['drdrill-drift.json', 'drdrill-repair.json', 'drdrill-passed.json', 'drdrill-rto-missed.json', 'drdrill-unknown-setup.json', 'drdrill-deleted-peering.json']),
  );
});

test('every recorded DrDrill history replays without a determinism error', async () => {
  // GIVEN the committed histories
  const histories = files.map((f) => ({
    workflowId: f.replace(/\.json$/, ''),
    // fromObject rather than historyFromJSON: see test/replay-failover.test.ts (nested protobufjs copies).
    history: temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(path.join(HISTORIES, f), 'utf8')) as Record<string, unknown>),
  }));

  // WHEN today's workflow code replays them
  const results: Array<{ workflowId: string; error?: unknown }> = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath: path.resolve(__dirname, '../src/workflows') }, histories)) {
    results.push(result);
  }

  // THEN each one replays cleanly
  expect(results.map((r) => ({ workflowId: r.workflowId, error: r.error ? (r.error as Error).message : undefined }))).toEqual(
    histories.map((h) => ({ workflowId: h.workflowId, error: undefined })),
  );
});
