/**
 * Replays recorded FailoverToRegion histories (test/record/failover.ts) against today's workflow
 * code. A change that would break runs already in flight fails here, not in production.
 */
// A transitive dependency of @temporalio/client, pinned with it in package-lock.json.
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as path from 'node:path';

const HISTORIES = path.resolve(__dirname, 'histories');
const files = fs.readdirSync(HISTORIES).filter((f) => /^failover-.+\.json$/.test(f)).sort();

test('the recorded histories cover an automatic run, a signal-approved run and a drill', () => {
  expect(files).toEqual(expect.arrayContaining(['failover-auto.json', 'failover-drill.json', 'failover-signal.json']));
});

test('every recorded FailoverToRegion history replays without a determinism error', async () => {
  // GIVEN the committed histories
  const histories = files.map((f) => ({
    workflowId: f.replace(/\.json$/, ''),
    // Not historyFromJSON: npm nests three copies of protobufjs 8 under @temporalio/*, and its
    // `instanceof Type` check fails across them. fromObject is the inverse of the proto's toJSON.
    history: temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(path.join(HISTORIES, f), 'utf8')) as Record<string, unknown>),
  }));

  // WHEN today's workflow code replays them
  const results: Array<{ workflowId: string; error?: unknown }> = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath: path.resolve(__dirname, '../src/workflows') }, histories)) {
    results.push(result);
  }

  // THEN each one replays cleanly
  expect(results.map((r) => ({ workflowId: r.workflowId, error: r.error instanceof Error ? r.error.message : r.error === undefined ? undefined : JSON.stringify(r.error) }))).toEqual(
    histories.map((h) => ({ workflowId: h.workflowId, error: undefined })),
  );
});
