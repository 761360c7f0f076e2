/**
 * Replays every history recorded from the real dev server (test/record/*.ts) against today's
 * workflow code. A change that would break runs already in flight, or scheduled ones, fails here
 * instead of in production. A file is named by its workflow id, or `<workflow id>@<label>.json`.
 */
// A transitive dependency of @temporalio/client, pinned with it in package-lock.json.
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workflowBundleOptions } from '../src/workflow-bundle';

const DIR = path.resolve(__dirname, 'histories');
const FILES = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('GIVEN the recorded histories THEN every workflow and its main paths are covered', () => {
  expect(FILES).toEqual(
    expect.arrayContaining([
      // setup: happy, rolled back after a failure, cancelled, rejected input, another network under its id
      'setup-happy.json',
      'setup-rollback.json',
      'setup-cancelled.json',
      'setup-invalid.json',
      'setup-conflict.json',
      // setup before its patched() one-network check and settled sides
      'setup-happy-before-one-network-check.json',
      'setup-rollback-before-settled-sides.json',
      'setup-cancelled-before-one-network-check.json',
      // setup before its patched() table claims in the side rules ('setup-claim-tables-in-side-rules')
      'setup-happy-before-claim-in-side-rules.json',
      'setup-rollback-before-claim-in-side-rules.json',
      // teardown, before and after its patched() search-attribute upsert and running-setup check
      'teardown-happy.json',
      'teardown-refused-running.json',
      'teardown-happy-before-running-check.json',
      'teardown-before-search-attributes.json',
      // failover: automatic, signal-approved, drill (recorded before the DR runbook: old runs still replay)
      'failover-auto.json',
      'failover-signal.json',
      'failover-drill.json',
      // the DR runbook: the source region down, the routing-control switch, a drill with scale actions
      'failover-outage.json',
      'failover-routing-control.json',
      'failover-drill-scale.json',
      // one switch per record (patched 'failover-switch-one-batch', '-drain', '-end-states', '-arc-batch')
      'failover-switch-drain.json',
      'failover-record-moved.json',
      'failover-routing-control-batch.json',
      // recovery: waited until the alarm and the health check are healthy (patched 'failover-recovered-when'),
      // a drill that reads them once, and a DrDrill that checks each (patched 'failover-recovered-drill-checks')
      'failover-recovered.json',
      'failover-recovered-drill.json',
      // the data side (patched 'failover-data-rpo'): the RPO measured under maxRpoSeconds, a planned
      // run fenced and drained to 0, a planned run whose drain timed out and put the fence back
      'failover-data-rpo.json',
      'failover-planned.json',
      'failover-drain-timeout.json',
      'drdrill-recovered.json',
      // a request with recoveredWhen, refused as unknown by the code from before it (recorded at 857eab0):
      // such runs must still end the same way on replay
      'failover-recovered-before.json',
      'drdrill-recovered-before.json',
      // decisions: an approve signal during preflight ignored, then an approve Update, with notify
      // (patched 'failover-decision-early-approve', '…-notify'); cancelled while RDS promotes, the
      // report kept ('…-cancel-report'); approved after 5 minutes with the record changed ('…-recheck')
      'failover-decisions.json',
      'failover-cancelled.json',
      'failover-late-decision.json',
      // a drill aborted during preflight: no drill record made (patched 'failover-decision-early-abort')
      'failover-drill-early-abort.json',
      // drills: drift, repair, pass, missed RTO, unknown setup, deleted peering
      'drdrill-drift.json',
      'drdrill-repair.json',
      'drdrill-passed.json',
      'drdrill-rto-missed.json',
      'drdrill-unknown-setup.json',
      'drdrill-deleted-peering.json',
      // drills with cost and latency budgets (a PeeringCostReport child), a setup with flow logs
      // (patched 'setup-flow-logs'), cost reports of a past month and of the current one
      'drdrill-budgets.json',
      'setup-flow-logs.json',
      'cost-report-month.json',
      'cost-report-current.json',
      // real organisations' networks: a side in another account (its drill too), two accounts in one
      // region torn down apart, an adopted peering set up and torn down, IPv6
      'setup-cross-account.json',
      'drdrill-cross-account.json',
      'setup-cross-account-intra-region.json',
      'teardown-cross-account-intra-region.json',
      'setup-adopted.json',
      'teardown-adopted.json',
      'setup-ipv6.json',
      // meshes: plan only, a run that continued as new and its last run, an intra-region pair,
      // teardown, rolled back after a pair failed, cancelled, refused past a quota
      'mesh-plan.json',
      'mesh-happy@first-run.json',
      'mesh-happy.json',
      'mesh-happy--use1--shared@intra-region.json',
      'mesh-teardown.json',
      'mesh-rollback.json',
      'mesh-cancelled.json',
      'mesh-invalid.json',
      // the database: protect (a first run and its re-run that finds everything, refused input, a
      // name taken, rolled back after the lag gate, cancelled), unprotect (done, refused for a
      // promoted replica), re-protect (and its re-run that changes nothing), and a drill with the
      // replication check and the promotion rehearsal (patched 'database-drill-…')
      'protect-happy@first-run.json',
      'protect-happy.json',
      'protect-invalid.json',
      'protect-conflict.json',
      'protect-rollback.json',
      'protect-cancelled.json',
      'unprotect-happy.json',
      'unprotect-in-use.json',
      'reprotect-happy@first-run.json',
      'reprotect-happy.json',
      'drdrill-rehearse-promotion.json',
      // Aurora (patched 'aurora-…', test/record/aurora-histories.ts): protect refused and done, an
      // unplanned failover with us-east-1 down, unprotect refused for the writer, re-protect, a
      // planned switchover back, unprotect, and a drill of the global database
      'protect-aurora-invalid.json',
      'protect-aurora.json',
      'failover-aurora-unplanned.json',
      'unprotect-aurora-in-use.json',
      'reprotect-aurora.json',
      'failover-aurora-planned.json',
      'unprotect-aurora.json',
      'drdrill-aurora.json',
    ]),
  );
});

test('WHEN each is replayed against the current workflow code THEN none is non-deterministic', async () => {
  const histories = FILES.map((file) => ({
    // `<workflow id>@<label>.json` when the id is not the name: a pair's own id, or a mesh's first
    // run (the workflow id derives its children's ids, so replay must use the recorded one).
    workflowId: file.replace(/\.json$/, '').replace(/@.*$/, ''),
    // fromObject, not historyFromJSON: npm nests several protobufjs copies and its instanceof check fails across them.
    history: temporal.api.history.v1.History.fromObject(
      JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Record<string, unknown>,
    ),
  }));
  const results = [];
  for await (const result of Worker.runReplayHistories(
    { workflowsPath: path.resolve(__dirname, '../src/workflows'), bundlerOptions: workflowBundleOptions() },
    histories,
  )) {
    results.push({ workflowId: result.workflowId, error: result.error ? String(result.error) : undefined });
  }
  expect(results).toEqual(histories.map((h) => ({ workflowId: h.workflowId, error: undefined })));
});
