/**
 * The client's protect / unprotect commands as a person runs them: live progress on stderr, the
 * report on stdout, the default workflow id from the replica, a second run under that id that makes
 * nothing new, and a run still going that is said, not started twice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { ProtectionReport, UnprotectResult } from '../../src/domain/database/types';
import { cliProcess } from '../support/cli-process';
import { createNetwork, createSource, DR_REGION, leftUnder, putLag, SOURCE_REGION } from '../support/database/world';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';

let w: TestWorker;
let network: { vpcId: string; subnetIds: string[] };
const { cli, tmp, cleanUp } = cliProcess(() => w.taskQueue);

beforeAll(async () => {
  w = await startTestWorker();
  const { vpcId, subnetIds } = await createNetwork(217);
  network = { vpcId, subnetIds };
});
afterAll(async () => {
  await w?.shutdown();
  cleanUp();
});

async function requestFile(name: string, extra: Record<string, unknown> = {}) {
  const source = await createSource(uniqueId(name));
  const replicaId = `${source.DBInstanceIdentifier}-replica`;
  const file = path.join(tmp, `${replicaId}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      source: { region: SOURCE_REGION, dbInstanceIdentifier: source.DBInstanceIdentifier },
      replica: { region: DR_REGION, dbInstanceIdentifier: replicaId, network },
      ...extra,
    }),
  );
  return { file, replicaId, workflowId: `protect-${DR_REGION}-${replicaId}` };
}

const lines = (text: string) => stripVTControlCharacters(text).split('\n');

describe('client CLI: protect and unprotect', () => {
  it('GIVEN a protect request WHEN protect --wait runs, twice THEN each step shows, the report is printed, the id comes from the replica, and the second run makes nothing new', async () => {
    const { file, replicaId, workflowId } = await requestFile('cli-db');
    await putLag(replicaId, 3);

    const first = await cli(['protect', '--file', file, '--wait']);

    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as ProtectionReport;
    expect(report).toMatchObject({ replicationStatus: 'replicating', lagSeconds: 3 });
    const shown = lines(first.stderr);
    expect(shown).toContainEqual(expect.stringContaining(`Started ProtectDatabase ${workflowId}: Protect `));
    for (const step of ['check', 'subnet-group', 'security-group', 'replica', 'replicating', 'lag'])
      expect(shown).toContainEqual(expect.stringMatching(new RegExp(`^✔ \\[\\d\\d:\\d\\d\\] ${step}\\b`)));
    expect(shown).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^✔ ProtectDatabase ${workflowId} completed in \\d\\d:\\d\\d: ${replicaId} \\(${DR_REGION}\\) replicates .*ReplicaLag 3 s$`,
        ),
      ),
    );
    const firstRun = (await w.client.workflow.getHandle(workflowId).describe()).runId;

    const second = await cli(['protect', '--file', file, '--wait']);

    expect(second.code).toBe(0);
    expect((await w.client.workflow.getHandle(workflowId).describe()).runId).not.toBe(firstRun);
    expect((JSON.parse(second.stdout) as ProtectionReport).created).toEqual(report.created);
    expect(await leftUnder(replicaId)).toEqual({
      instances: [replicaId],
      subnetGroups: [`${replicaId}-subnets`],
      groups: [report.replica.securityGroupId],
    });

    const undo = await cli(['unprotect', '--id', workflowId]);

    expect(undo.code).toBe(0);
    expect((JSON.parse(undo.stdout) as UnprotectResult).deleted).toHaveLength(3);
    expect(await leftUnder(replicaId)).toEqual({ instances: [], subnetGroups: [], groups: [] });
  });

  it('GIVEN a protection of that replica still running WHEN protect runs again THEN it says so, starts nothing, and exits 0', async () => {
    const { file, replicaId, workflowId } = await requestFile('cli-running', { lagTimeout: '10m' });
    const running = await w.client.workflow.start('ProtectDatabase', {
      taskQueue: w.taskQueue,
      workflowId,
      args: [JSON.parse(fs.readFileSync(file, 'utf8'))],
    });

    const again = await cli(['protect', '--file', file]);

    expect(again.code).toBe(0);
    expect(again.stderr).toContain(
      `ProtectDatabase ${workflowId} is already running (run ${running.firstExecutionRunId})`,
    );
    expect(JSON.parse(again.stdout)).toEqual({ workflowId, runId: running.firstExecutionRunId, alreadyRunning: true });
    await running.cancel();
    await running.result().catch(() => undefined);
    expect(await leftUnder(replicaId)).toEqual({ instances: [], subnetGroups: [], groups: [] });
  });
});
