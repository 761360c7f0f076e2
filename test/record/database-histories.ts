/**
 * Records ProtectDatabase, UnprotectDatabase, ReprotectDatabase and a DrDrill with the data checks
 * (replication, rehearsePromotion) from the real dev server into test/histories/, for
 * test/replay.test.ts. Not part of `npm test`: run it by hand after a deliberate change to those
 * workflows, and commit the JSON with the change.
 *
 *   npx ts-node --transpile-only test/record/database-histories.ts
 *
 * It starts its own Temporal dev server and moto on free ports, with the AWS-faithful layer in
 * front (raw moto cannot make a cross-region replica in a subnet group), and stops them again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DrillRequest } from '../../src/domain/drill/types';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { SUITE_PROFILE } from '../../harness/faithful';
import { startFaultProxy } from '../../harness/fault-proxy';
import { ROOT } from '../../harness/stack';
import { afterFailover } from '../support/database/after-failover';
import { createNetwork, createSource, DR_REGION, putLag, SOURCE_REGION } from '../support/database/world';
import { MotoFailoverFixture } from '../support/failover/fixture';
import { startTestWorker, type TestWorker } from '../support/harness';
import { startRecordingServers } from './servers';

const OUT = path.join(ROOT, 'test', 'histories');

async function save(w: TestWorker, workflowId: string, file = workflowId, runId?: string): Promise<void> {
  const history = await w.client.workflow.getHandle(workflowId, runId).fetchHistory();
  fs.writeFileSync(path.join(OUT, `${file}.json`), `${JSON.stringify(history)}\n`);
  console.log(`--- ${file}: ${history.events?.length ?? 0} events`);
}

async function record(w: TestWorker, type: string, workflowId: string, request: unknown, file = workflowId) {
  const handle = await w.client.workflow.start(type, { taskQueue: w.taskQueue, workflowId, args: [request] });
  const outcome = await handle.result().then(
    (r: unknown) => `completed: ${JSON.stringify(r).slice(0, 300)}`,
    (e: unknown) => `failed: ${String((e as { cause?: Error }).cause?.message ?? e)}`,
  );
  console.log(`${workflowId} ${outcome}`);
  await save(w, workflowId, file, handle.firstExecutionRunId);
  return handle;
}

async function main(): Promise<void> {
  const servers = await startRecordingServers('record-database-');
  const proxy = await startFaultProxy({ target: servers.moto.url, seed: 7, faithful: SUITE_PROFILE });
  const w = await startTestWorker({ endpoint: proxy.url });
  fs.mkdirSync(OUT, { recursive: true });
  try {
    const setup: PeeringRequest = {
      requester: { region: SOURCE_REGION, cidrBlock: '10.0.0.0/16', name: 'abc-primary' },
      accepter: {
        region: DR_REGION,
        cidrBlock: '10.1.0.0/16',
        name: 'abc-dr',
        subnets: [
          { cidrBlock: '10.1.1.0/24', availabilityZone: 'eu-west-1a' },
          { cidrBlock: '10.1.2.0/24', availabilityZone: 'eu-west-1b' },
        ],
      },
      allow: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }],
    };
    await w.client.workflow.execute('SetupInterRegionPeering', {
      taskQueue: w.taskQueue,
      workflowId: 'abc-corp-peering',
      args: [setup],
    });
    await createSource('abc-db');
    await putLag('abc-db-replica', 4);
    const protect = {
      source: { region: SOURCE_REGION, dbInstanceIdentifier: 'abc-db' },
      replica: {
        region: DR_REGION,
        dbInstanceIdentifier: 'abc-db-replica',
        network: { setupWorkflowId: 'abc-corp-peering' },
      },
      tags: { Project: 'abc-dr' },
    };
    await record(w, 'ProtectDatabase', 'protect-happy', protect, 'protect-happy@first-run');
    await record(w, 'ProtectDatabase', 'protect-happy', protect);
    await record(w, 'ProtectDatabase', 'protect-invalid', { ...protect, allowFrom: ['0.0.0.0/0'] });
    await createSource('abc-taken-replica', {}, DR_REGION);
    await record(w, 'ProtectDatabase', 'protect-conflict', {
      ...protect,
      replica: { ...protect.replica, dbInstanceIdentifier: 'abc-taken-replica' },
    });
    const net = await createNetwork(2);
    const other = await createSource('abc-other');
    const elsewhere = {
      source: { region: SOURCE_REGION, dbInstanceIdentifier: other.DBInstanceIdentifier },
      replica: {
        region: DR_REGION,
        dbInstanceIdentifier: 'abc-other-replica',
        network: { vpcId: net.vpcId, subnetIds: net.subnetIds },
      },
    };
    await record(w, 'ProtectDatabase', 'protect-rollback', { ...elsewhere, lagTimeout: '3s' });
    const cancelled = await w.client.workflow.start('ProtectDatabase', {
      taskQueue: w.taskQueue,
      workflowId: 'protect-cancelled',
      args: [elsewhere],
    });
    for (let i = 0; i < 200; i++) {
      const p = await cancelled.query<{ step: string }>('progress').catch(() => undefined);
      if (p?.step === 'lag') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await cancelled.cancel();
    await cancelled.result().catch(() => undefined);
    await save(w, 'protect-cancelled');

    const fixture = new MotoFailoverFixture(servers.moto.url);
    const zoneId = await fixture.zone('abc.example.');
    await fixture.upsert(zoneId, 'app.abc.example.', 'primary-alb.us-east-1.elb.amazonaws.com');
    const drill: DrillRequest = {
      name: 'abc-data',
      peering: { setupWorkflowId: 'abc-corp-peering' },
      failover: {
        hostedZoneId: zoneId,
        recordName: 'app.abc.example.',
        recordType: 'CNAME',
        from: { region: SOURCE_REGION, value: 'primary-alb.us-east-1.elb.amazonaws.com' },
        to: { region: DR_REGION, value: 'dr-alb.eu-west-1.elb.amazonaws.com' },
        promoteReplica: { region: DR_REGION, dbInstanceIdentifier: 'abc-db-replica', maxRpoSeconds: 60 },
      },
      rtoTargetSeconds: 300,
      rehearsePromotion: true,
    };
    await putLag('abc-db-replica', 4);
    await record(w, 'DrDrill', 'drdrill-rehearse-promotion', drill);

    await record(w, 'UnprotectDatabase', 'unprotect-happy', { protectWorkflowId: 'protect-happy' });
    const world = await afterFailover(
      'abc-re',
      30,
      (request) =>
        w.client.workflow.execute('ProtectDatabase', {
          taskQueue: w.taskQueue,
          workflowId: 'protect-promoted',
          args: [request],
        }),
      proxy.url,
    );
    await record(w, 'UnprotectDatabase', 'unprotect-in-use', { protectWorkflowId: 'protect-promoted' });
    const reprotect = { primary: world.primary, oldPrimary: world.oldPrimary, retire: 'rename-and-stop' };
    await record(w, 'ReprotectDatabase', 'reprotect-happy', reprotect, 'reprotect-happy@first-run');
    await record(w, 'ReprotectDatabase', 'reprotect-happy', reprotect);
  } finally {
    await w.shutdown();
    await proxy.close();
    await servers.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
