/**
 * ProtectDatabase's lag gate and its rollback: a ReplicaLag above maxLagSeconds holds the run until
 * a datapoint within it comes; a lag that never comes fails the run after lagTimeout, naming what it
 * saw; that failure, a cancellation, and a lost answer from RDS leave nothing but the source.
 */
import { WorkflowFailedError } from '@temporalio/client';
import type { ProtectionReport } from '../../src/domain/database/types';
import {
  createNetwork,
  createSource,
  DR_REGION,
  instance,
  instanceIds,
  leftUnder,
  putLag,
  SOURCE_REGION,
} from '../support/database/world';
import { useDatabaseSuite } from '../support/database/suite';
import { applicationFailureOf } from '../support/failures';
import { uniqueId } from '../support/harness';

const suite = useDatabaseSuite();
let network: { vpcId: string; subnetIds: string[] };

beforeAll(async () => {
  const { vpcId, subnetIds } = await createNetwork(213);
  network = { vpcId, subnetIds };
});

async function protection(name: string, extra: Record<string, unknown> = {}) {
  const source = await createSource(uniqueId(name));
  const replicaId = `${source.DBInstanceIdentifier}-replica`;
  const request = {
    source: { region: SOURCE_REGION, dbInstanceIdentifier: source.DBInstanceIdentifier! },
    replica: { region: DR_REGION, dbInstanceIdentifier: replicaId, network },
    ...extra,
  };
  return { sourceId: source.DBInstanceIdentifier!, replicaId, request };
}

/** Nothing is left but the source, which is as it was. */
async function onlyTheSourceLeft(sourceId: string, replicaId: string): Promise<void> {
  expect(await leftUnder(replicaId)).toEqual({ instances: [], subnetGroups: [], groups: [] });
  expect((await instance(SOURCE_REGION, sourceId))?.DBInstanceStatus).toBe('available');
}

describe('GIVEN a source and a DR network', () => {
  test('WHEN RDS keeps the new replica creating for 4 s THEN the run waits it out: its progress shows creating, and it reports only once the replica replicates', async () => {
    const { replicaId, request } = await protection('slow-create');
    await putLag(replicaId, 0);
    const creating = suite.proxy.timing.rds.creatingMs;
    suite.proxy.timing.rds.creatingMs = 4_000;
    try {
      const handle = await suite.start('ProtectDatabase', request);
      const seen = await suite.progressUntil(
        handle,
        (p) => p.step === 'replicating' && p.replica?.status === 'creating',
      );
      const report = (await handle.result()) as ProtectionReport;

      expect(seen.replica).toEqual({ status: 'creating' });
      expect(report.replicationStatus).toBe('replicating');
      expect(report.replica.endpoint).toContain(replicaId);
      const db = await instance(DR_REGION, replicaId);
      expect(Date.now() - db!.InstanceCreateTime!.getTime()).toBeGreaterThanOrEqual(4_000);
    } finally {
      suite.proxy.timing.rds.creatingMs = creating;
    }
  });

  test('WHEN the replica ReplicaLag is above maxLagSeconds THEN the run waits, and completes once a datapoint within it comes', async () => {
    const { replicaId, request } = await protection('lag-gate', { maxLagSeconds: 60 });
    await putLag(replicaId, 900, new Date(Date.now() - 120_000));

    const handle = await suite.start('ProtectDatabase', request);
    const waiting = await suite.progressUntil(handle, (p) => p.step === 'lag' && p.replica?.lagSeconds === 900);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const stillWaiting = await suite.progressUntil(handle, () => true);
    await putLag(replicaId, 12);
    const report = (await handle.result()) as ProtectionReport;

    expect(waiting.replica).toMatchObject({ status: 'available', lagSeconds: 900 });
    expect(stillWaiting.step).toBe('lag');
    expect(report.lagSeconds).toBe(12);
    expect(report.replicationStatus).toBe('replicating');
  });

  test('WHEN no ReplicaLag datapoint comes within lagTimeout THEN the run fails naming that, and the rollback leaves nothing but the source', async () => {
    const { sourceId, replicaId, request } = await protection('no-lag', { lagTimeout: '4s' });

    const failure = await applicationFailureOf(suite.start('ProtectDatabase', request).then((h) => h.result()));

    expect(failure.type).toBe('ProtectionFailed');
    expect(failure.message).toContain('failed at step "lag": ReplicationNotCaughtUp');
    expect(failure.message).toContain(`no ReplicaLag datapoint for ${replicaId} in ${DR_REGION}`);
    expect(failure.message).toContain(
      `deleted db-instance ${replicaId}, db-subnet-group ${replicaId}-subnets, security-group sg-`,
    );
    await onlyTheSourceLeft(sourceId, replicaId);
  });

  test('WHEN the run is cancelled while it waits for the lag THEN the rollback runs to the end and leaves nothing but the source', async () => {
    const { sourceId, replicaId, request } = await protection('cancelled');
    const handle = await suite.start('ProtectDatabase', request);
    await suite.progressUntil(handle, (p) => p.step === 'lag');
    const early = await applicationFailureOf(
      suite.start('UnprotectDatabase', { protectWorkflowId: handle.workflowId }).then((h) => h.result()),
    );
    expect(early.type).toBe('ProtectionStillRunning');

    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);

    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(String((err as WorkflowFailedError).cause?.message)).toContain('cancelled during step "lag"');
    await onlyTheSourceLeft(sourceId, replicaId);
  });

  test("WHEN a re-run of a completed protection fails THEN its rollback leaves the earlier run's replica, subnet group and group alone", async () => {
    const { replicaId, request } = await protection('rerun-fails');
    await putLag(replicaId, 5);
    const id = uniqueId('protect');
    const first = await suite.run<ProtectionReport>('ProtectDatabase', request, id);

    const failure = await applicationFailureOf(
      suite.start('ProtectDatabase', { ...request, maxLagSeconds: 0, lagTimeout: '3s' }, id).then((h) => h.result()),
    );

    expect(failure.type).toBe('ProtectionFailed');
    expect(failure.message).toContain('Rollback deleted nothing');
    expect(await leftUnder(replicaId)).toEqual({
      instances: [replicaId],
      subnetGroups: [`${replicaId}-subnets`],
      groups: [first.replica.securityGroupId],
    });
  });

  test('WHEN the answer to CreateDBInstanceReadReplica is lost after RDS made the replica THEN the run finds it: one replica, and the report', async () => {
    const { replicaId, request } = await protection('lost-create');
    await putLag(replicaId, 0);
    suite.proxy.resetStats();
    suite.proxy.setRules([{ kind: 'lose-response', service: 'rds', action: 'CreateDBInstanceReadReplica', count: 1 }]);

    const report = await suite.run<ProtectionReport>('ProtectDatabase', request);
    suite.proxy.clearRules();

    const stats = suite.proxy.stats();
    expect(stats.injected['lose-response']).toBe(1);
    // Asked again after the lost answer (by the SDK's retry, or the activity's), and found made.
    expect(stats.byAction.CreateDBInstanceReadReplica).toBeGreaterThanOrEqual(2);
    expect(report.replica.dbInstanceIdentifier).toBe(replicaId);
    expect((await instanceIds(DR_REGION)).filter((id) => id.startsWith(replicaId))).toEqual([replicaId]);
  });

  test('WHEN the answer to DeleteDBInstance is lost during a rollback THEN the rollback waits for that delete and still leaves nothing', async () => {
    const { sourceId, replicaId, request } = await protection('lost-delete', { lagTimeout: '3s' });
    suite.proxy.resetStats();
    suite.proxy.setRules([{ kind: 'lose-response', service: 'rds', action: 'DeleteDBInstance', count: 1 }]);

    const failure = await applicationFailureOf(suite.start('ProtectDatabase', request).then((h) => h.result()));
    suite.proxy.clearRules();

    expect(failure.type).toBe('ProtectionFailed');
    expect(suite.proxy.stats().injected['lose-response']).toBe(1);
    await onlyTheSourceLeft(sourceId, replicaId);
  });
});
