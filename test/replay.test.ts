/**
 * Replays setup and teardown histories recorded from the real dev server (test/record/
 * setup-histories.ts). A workflow change that would break runs already in flight fails here.
 */
// A transitive dependency of @temporalio/client, pinned with it in package-lock.json.
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as path from 'node:path';

const DIR = path.resolve(__dirname, 'histories');
const FILES = fs.readdirSync(DIR).filter((f) => /^(setup|teardown)-.*\.json$/.test(f)).sort();

test('GIVEN the recorded histories THEN there are happy, rollback, cancelled, invalid and teardown runs', () => {
  // teardown-before-search-attributes predates the patched() search-attribute upsert; it keeps that old path covered.
  expect(FILES).toEqual(['setup-cancelled.json', 'setup-happy.json', 'setup-invalid.json', 'setup-rollback.json', 'teardown-before-search-attributes.json', 'teardown-happy.json']);
});

test('WHEN each is replayed against the current workflow code THEN none is non-deterministic', async () => {
  const histories = FILES.map((file) => {
    const { workflowId, history } = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as { workflowId: string; history: unknown };
    // fromObject, not historyFromJSON: npm nests several protobufjs copies and its instanceof check fails across them.
    return { workflowId, history: temporal.api.history.v1.History.fromObject(history as Record<string, unknown>) };
  });
  const results = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath: path.resolve(__dirname, '../src/workflows') }, histories)) {
    results.push({ workflowId: result.workflowId, error: result.error ? String(result.error) : undefined });
  }
  expect(results).toEqual(histories.map((h) => ({ workflowId: h.workflowId, error: undefined })));
});
