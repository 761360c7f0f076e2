/**
 * Records SetupPeeringMesh, PlanPeeringMesh and TeardownPeeringMesh histories (and one intra-region
 * pair's SetupInterRegionPeering) from the real dev server into test/histories/mesh-*.json, for
 * test/replay.test.ts. A mesh's workflow id derives its children's ids, so each file carries the
 * recorded id (`<id>@<label>.json` where the name differs). Run by hand after a deliberate workflow change:
 *   npx ts-node --transpile-only test/record/mesh-histories.ts
 * It starts its own dev server and moto, and never runs during npm test.
 */
import { WorkflowFailedError } from '@temporalio/client';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MeshProgress, MeshRequest } from '../../src/domain/mesh/types';
import { startFaultProxy } from '../../harness/fault-proxy';
import { startTestWorker } from '../support/harness';
import { startRecordingServers } from './servers';

const OUT = path.resolve(__dirname, '../histories');

/** Two VPCs in us-east-1, so one pair is intra-region; three pairs, two per run. */
const MESH: MeshRequest = {
  vpcs: {
    use1: { region: 'us-east-1', cidrBlock: '10.0.0.0/16', name: 'abc-primary' },
    euw1: { region: 'eu-west-1', cidrBlock: '10.1.0.0/16', name: 'abc-dr' },
    shared: { region: 'us-east-1', cidrBlock: '10.100.0.0/16', name: 'abc-shared-services' },
  },
  topology: 'full-mesh',
  allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
  pairsPerRun: 2,
};

async function main() {
  const servers = await startRecordingServers('record-mesh-');
  const proxy = await startFaultProxy({ target: servers.moto.url });
  const w = await startTestWorker({ endpoint: proxy.url });
  const save = async (name: string, workflowId: string, runId?: string) => {
    const history = await w.client.workflow.getHandle(workflowId, runId).fetchHistory();
    fs.writeFileSync(path.join(OUT, `${name}.json`), `${JSON.stringify(history)}\n`);
    console.log(`recorded ${name} (${history.events?.length} events)`);
  };
  const run = (type: string, workflowId: string, args: unknown[]) =>
    w.client.workflow.execute(type, { taskQueue: w.taskQueue, workflowId, args }).catch((err: unknown) => {
      if (!(err instanceof WorkflowFailedError)) throw err;
    });
  try {
    await run('PlanPeeringMesh', 'mesh-plan', [MESH]);
    await save('mesh-plan', 'mesh-plan');

    const happy = await w.client.workflow.start('SetupPeeringMesh', {
      taskQueue: w.taskQueue,
      workflowId: 'mesh-happy',
      args: [MESH],
    });
    await happy.result();
    await save('mesh-happy@first-run', 'mesh-happy', happy.firstExecutionRunId);
    await save('mesh-happy', 'mesh-happy');
    await save('mesh-happy--use1--shared@intra-region', 'mesh-happy--use1--shared');
    await run('TeardownPeeringMesh', 'mesh-teardown', [{ meshWorkflowId: 'mesh-happy' }]);
    await save('mesh-teardown', 'mesh-teardown');

    proxy.setRules([
      { action: 'CreateRoute', region: 'eu-west-1', kind: 'error', status: 403, code: 'UnauthorizedOperation' },
    ]);
    await run('SetupPeeringMesh', 'mesh-rollback', [{ ...MESH, maxConcurrent: 1 }]);
    await save('mesh-rollback', 'mesh-rollback');

    proxy.setRules([{ kind: 'peering-provisioning', seconds: 60 }]);
    const cancelled = await w.client.workflow.start('SetupPeeringMesh', {
      taskQueue: w.taskQueue,
      workflowId: 'mesh-cancelled',
      args: [MESH],
    });
    for (let i = 0; i < 100; i++) {
      const p = await cancelled.query<MeshProgress>('progress').catch(() => undefined);
      if (p?.running.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 2000));
    await cancelled.cancel();
    await cancelled.result().catch(() => undefined);
    await save('mesh-cancelled', 'mesh-cancelled');
    proxy.clearRules();

    const vpcs: MeshRequest['vpcs'] = {};
    for (let i = 0; i < 12; i++) vpcs[`v${i}`] = { region: 'us-east-1', cidrBlock: `10.${60 + i}.0.0/16` };
    await run('SetupPeeringMesh', 'mesh-invalid', [
      { ...MESH, vpcs, allow: [...MESH.allow, { protocol: 'tcp', fromPort: 22, toPort: 22 }] },
    ]);
    await save('mesh-invalid', 'mesh-invalid');
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
