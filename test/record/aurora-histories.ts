/**
 * Records the Aurora paths of ProtectDatabase, FailoverToRegion, UnprotectDatabase and
 * ReprotectDatabase (patched 'aurora-…') from the real dev server into test/histories/, for
 * test/replay.test.ts. Not part of `npm test`: run it by hand after a deliberate change to those
 * paths, and commit the JSON with the change.
 *
 *   npx ts-node --transpile-only test/record/aurora-histories.ts
 *
 * It starts its own Temporal dev server and moto on free ports, with the AWS-faithful layer in
 * front (moto has no usable global clusters), and stops them again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SUITE_PROFILE } from '../../harness/faithful';
import { regionOutage, REGIONAL_APIS, startFaultProxy } from '../../harness/fault-proxy';
import { ROOT } from '../../harness/stack';
import { CreateDBClusterCommand, CreateDBInstanceCommand, CreateGlobalClusterCommand } from '@aws-sdk/client-rds';
import { createSourceCluster, putRpoLag, viaLayer } from '../support/database/aurora-world';
import { createNetwork, DR_REGION, SOURCE_REGION } from '../support/database/world';
import { MotoFailoverFixture } from '../support/failover/fixture';
import { startTestWorker, type TestWorker } from '../support/harness';
import { startRecordingServers } from './servers';

const OUT = path.join(ROOT, 'test', 'histories');

async function record(w: TestWorker, type: string, workflowId: string, request: unknown): Promise<void> {
  const handle = await w.client.workflow.start(type, { taskQueue: w.taskQueue, workflowId, args: [request] });
  const outcome = await handle.result().then(
    (r: unknown) => `completed: ${JSON.stringify(r).slice(0, 300)}`,
    (e: unknown) => `failed: ${String((e as { cause?: Error }).cause?.message ?? e)}`,
  );
  console.log(`${workflowId} ${outcome}`);
  const history = await handle.fetchHistory();
  fs.writeFileSync(path.join(OUT, `${workflowId}.json`), `${JSON.stringify(history)}\n`);
  console.log(`--- ${workflowId}: ${history.events?.length ?? 0} events`);
}

async function main(): Promise<void> {
  const servers = await startRecordingServers('record-aurora-');
  const proxy = await startFaultProxy({ target: servers.moto.url, seed: 7, faithful: SUITE_PROFILE });
  const w = await startTestWorker({ endpoint: proxy.url });
  fs.mkdirSync(OUT, { recursive: true });
  try {
    await createSourceCluster('abc-aurora');
    const net = await createNetwork(40);
    await putRpoLag('abc-aurora-dr', 1200);
    const protect = {
      source: { region: SOURCE_REGION, dbClusterIdentifier: 'abc-aurora' },
      replica: {
        region: DR_REGION,
        dbClusterIdentifier: 'abc-aurora-dr',
        network: { vpcId: net.vpcId, subnetIds: net.subnetIds },
      },
      tags: { Project: 'abc-dr' },
    };
    await record(w, 'ProtectDatabase', 'protect-aurora-invalid', {
      ...protect,
      source: { ...protect.source, dbInstanceIdentifier: 'abc-db' },
    });
    await record(w, 'ProtectDatabase', 'protect-aurora', protect);

    const moto = new MotoFailoverFixture(servers.moto.url);
    const [peeringConnectionId, zoneId] = await Promise.all([moto.peering(), moto.zone('abc.example.')]);
    const [home, dr] = ['primary-alb.us-east-1.elb.amazonaws.com', 'dr-alb.eu-west-1.elb.amazonaws.com'];
    await moto.upsert(zoneId, 'app.abc.example.', home);
    const failover = {
      hostedZoneId: zoneId,
      recordName: 'app.abc.example.',
      recordType: 'CNAME',
      from: { region: SOURCE_REGION, value: home },
      to: { region: DR_REGION, value: dr },
      peeringConnectionId,
      promoteReplica: { region: DR_REGION, dbClusterIdentifier: 'abc-aurora-dr', maxRpoSeconds: 60 },
    };
    // A global database kept for drills: abc-aurora-x leads it, abc-aurora-x-dr its secondary.
    const drillSource = await createSourceCluster('abc-aurora-x');
    await viaLayer(proxy.url, SOURCE_REGION).send(
      new CreateGlobalClusterCommand({
        GlobalClusterIdentifier: 'abc-aurora-x-global',
        SourceDBClusterIdentifier: drillSource.DBClusterArn,
      }),
    );
    const drRds = viaLayer(proxy.url, DR_REGION);
    await drRds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'abc-aurora-x-dr',
        GlobalClusterIdentifier: 'abc-aurora-x-global',
        Engine: 'aurora-postgresql',
      }),
    );
    await drRds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'abc-aurora-x-dr-1',
        DBClusterIdentifier: 'abc-aurora-x-dr',
        Engine: 'aurora-postgresql',
        DBInstanceClass: 'db.r6g.large',
      }),
    );
    await record(w, 'DrDrill', 'drdrill-aurora', {
      drillGlobalCluster: { region: DR_REGION, dbClusterIdentifier: 'abc-aurora-x-dr' },
      name: 'abc-aurora',
      peering: { peeringConnectionId, requesterRegion: SOURCE_REGION, accepterRegion: DR_REGION },
      failover: { ...failover, promoteReplica: { ...failover.promoteReplica } },
      rtoTargetSeconds: 300,
    });
    proxy.setRules(regionOutage(SOURCE_REGION, REGIONAL_APIS));
    try {
      await record(w, 'FailoverToRegion', 'failover-aurora-unplanned', failover);
    } finally {
      proxy.clearRules();
    }
    await record(w, 'UnprotectDatabase', 'unprotect-aurora-in-use', { protectWorkflowId: 'protect-aurora' });
    await putRpoLag('abc-aurora', 0, new Date(), SOURCE_REGION);
    await record(w, 'ReprotectDatabase', 'reprotect-aurora', {
      primary: { region: DR_REGION, dbClusterIdentifier: 'abc-aurora-dr' },
      oldPrimary: { region: SOURCE_REGION, dbClusterIdentifier: 'abc-aurora' },
    });
    await record(w, 'FailoverToRegion', 'failover-aurora-planned', {
      ...failover,
      from: failover.to,
      to: failover.from,
      promoteReplica: { region: SOURCE_REGION, dbClusterIdentifier: 'abc-aurora' },
      mode: 'planned',
    });
    await record(w, 'UnprotectDatabase', 'unprotect-aurora', { protectWorkflowId: 'protect-aurora' });
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
