/**
 * The CLI as the person on call uses it around a failover: the default id names the record and the
 * direction, so the same command twice never starts a second run on that record; `failover list`
 * and `failover show` say what the recent runs did and who decided.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { failoverDefaultId } from '../../src/cli/default-ids';
import type { FailoverRun } from '../../src/cli/failover-history';
import { cliProcess } from '../support/cli-process';
import { FROM, TO } from '../support/failover/fixture';
import { sleep, useFailoverSuite } from '../support/failover/suite';

const f = useFailoverSuite();
const { cli, tmp, cleanUp } = cliProcess(() => f.worker.taskQueue);
afterAll(() => cleanUp());

async function waitUntilAwaitingDecision(id: string): Promise<void> {
  const handle = f.worker.client.workflow.getHandle(id);
  for (let i = 0; i < 120; i++) {
    const p = await handle.query<{ awaitingDecision: boolean }>('progress').catch(() => undefined);
    if (p?.awaitingDecision) return;
    await sleep(250);
  }
  throw new Error(`${id} never waited for a decision`);
}

describe('client CLI failover: one run per record, and its history', () => {
  it('GIVEN a failover waiting for approval WHEN the same command runs again THEN it says a run on this record is already running and starts none; list and show then tell the outcome, RTO and who approved', async () => {
    const world = await f.moto.world();
    const file = path.join(tmp, 'failover.json');
    fs.writeFileSync(file, JSON.stringify({ ...world.request, approval: 'signal' }, null, 2));
    const id = failoverDefaultId(world.request);

    const first = await cli(['failover', '--file', file]);

    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(JSON.parse(first.stdout)).toMatchObject({ workflowId: id });
    expect(id).toBe(`failover-${world.zoneId}-${world.request.recordName.replace(/\.$/, '')}-${FROM}-to-${TO}`);
    await waitUntilAwaitingDecision(id);

    const again = await cli(['failover', '--file', file]);

    expect(again.code).toBe(0);
    expect(again.stderr).toContain(
      `A run on this record (${world.request.recordName} ${FROM} → ${TO}) is already running: FailoverToRegion ${id}`,
    );
    expect(again.stderr).not.toMatch(/^Started /m);
    expect(JSON.parse(again.stdout)).toEqual({
      workflowId: id,
      runId: JSON.parse(first.stdout).runId,
      alreadyRunning: true,
    });

    // The failback on the same record meanwhile is refused: the record would go to whichever switched last.
    const { promoteReplica: _replica, ...rest } = world.request;
    const back = path.join(tmp, 'failback.json');
    fs.writeFileSync(back, JSON.stringify({ ...rest, from: world.request.to, to: world.request.from }, null, 2));
    const failback = await cli(['failover', '--file', back]);
    expect({ code: failback.code, stdout: failback.stdout }).toEqual({ code: 1, stdout: '' });
    expect(failback.stderr).toContain(
      `A run on this record the other way (${FROM} → ${TO}) is running: ${id}; not starting ${TO} → ${FROM}.`,
    );

    const approved = await cli(['approve', id, '--by', 'alice']);
    expect(approved.code).toBe(0);
    const followed = await cli(['status', id, '--wait']);
    expect(followed.code).toBe(0);

    const list = await cli(['failover', 'list', '--limit', '100', '--json']);

    expect(list.code).toBe(0);
    const mine = (JSON.parse(list.stdout) as FailoverRun[]).filter((r) => r.workflowId === id);
    expect(mine).toEqual([
      expect.objectContaining({
        status: 'COMPLETED',
        outcome: 'completed',
        drill: false,
        recordName: world.request.recordName,
        decidedBy: 'alice',
        rtoSeconds: expect.any(Number),
      }),
    ]);
    const table = await cli(['failover', 'list', '--limit', '100']);
    expect(table.stdout.split('\n').find((l) => l.includes(id))).toMatch(
      /^\S+ {2}completed +RTO [\d.]+s +RPO \S+ +by alice +failover-/,
    );

    const show = await cli(['failover', 'show', id]);

    expect(show.code).toBe(0);
    const lines = show.stdout.split('\n');
    expect(lines[0]).toBe(`Failover ${id} on ${world.request.recordName}: COMPLETED`);
    expect(lines[1]).toMatch(/^RTO [\d.]+ s; RPO .*; decided by alice; waited [\d.]+ s for a decision$/);
    for (const step of ['preflight', 'approval', 'promote-replica', 'switch-record', 'verify-record'])
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ {2}ok +${step} +\\S+ \\([\\d.]+ s\\) {2}\\S`)));
    expect(lines).toContainEqual(expect.stringMatching(/approval .* approved by alice after/));
  });

  it('GIVEN a closed failover WHEN the same command runs again THEN a new run starts under the same id', async () => {
    const world = await f.moto.world();
    const file = path.join(tmp, 'auto.json');
    fs.writeFileSync(file, JSON.stringify(world.request, null, 2));
    const id = failoverDefaultId(world.request);
    const first = await cli(['failover', '--file', file, '--wait']);
    expect(first.code).toBe(0);
    const firstRun = (await f.worker.client.workflow.getHandle(id).describe()).runId;

    const again = await cli(['failover', '--file', file, '--wait']);

    expect(again.stderr).toContain(`Started FailoverToRegion ${id}:`);
    // The record is on the target already: the new run finds that and changes nothing.
    expect({ code: again.code, outcome: (JSON.parse(again.stdout) as { outcome: string }).outcome }).toEqual({
      code: 0,
      outcome: 'completed',
    });
    expect(await f.moto.values(world.zoneId, world.request.recordName)).toEqual([world.drValue]);
    const second = await f.worker.client.workflow.getHandle(id).describe();
    expect(second.runId).not.toBe(firstRun);
    expect(second.status.name).toBe('COMPLETED');
  });

  it('GIVEN a workflow id that is no failover WHEN failover show runs THEN it says so with exit 2', async () => {
    const run = await cli(['failover', 'show', 'no-such-failover-id']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no workflow with id no-such-failover-id/);
  });
});
