/**
 * Records SetupInterRegionPeering and TeardownInterRegionPeering histories from the real dev server
 * into test/histories/, for test/replay.test.ts. Run by hand after a deliberate workflow change:
 *   npx ts-node --transpile-only test/record/setup-histories.ts
 * It starts its own dev server and moto, and never runs during npm test.
 */
import { WorkflowFailedError } from '@temporalio/client';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { startFaultProxy } from '../../harness/fault-proxy';
import { startTestWorker } from '../support/harness';
import { startRecordingServers } from './servers';

const OUT = path.resolve(__dirname, '../histories');
const REQUEST = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../examples/abc-corp.json'), 'utf8'),
) as PeeringRequest;

async function main() {
  const servers = await startRecordingServers('record-');
  const proxy = await startFaultProxy({ target: servers.moto.url });
  const w = await startTestWorker({ endpoint: proxy.url });
  const save = async (name: string, workflowId: string) => {
    const history = await w.client.workflow.getHandle(workflowId).fetchHistory();
    fs.writeFileSync(path.join(OUT, `${name}.json`), `${JSON.stringify(history)}\n`);
    console.log(`recorded ${name} (${history.events?.length} events)`);
  };
  const run = (type: string, workflowId: string, arg: unknown) =>
    w.client.workflow.execute(type, { taskQueue: w.taskQueue, workflowId, args: [arg] }).catch((err: unknown) => {
      if (!(err instanceof WorkflowFailedError)) throw err;
    });
  try {
    await run('SetupInterRegionPeering', 'setup-happy', REQUEST);
    await save('setup-happy', 'setup-happy');
    // The same id asked for another network: refused with SetupConflict before any change.
    const other = { ...REQUEST, accepter: { ...REQUEST.accepter, cidrBlock: '10.2.0.0/16' } };
    await run('SetupInterRegionPeering', 'setup-happy', other);
    await save('setup-conflict', 'setup-happy');
    await run('TeardownInterRegionPeering', 'teardown-happy', { setupWorkflowId: 'setup-happy' });
    await save('teardown-happy', 'teardown-happy');

    // A teardown while its setup still runs (held in provisioning) is refused.
    proxy.setRules([{ kind: 'peering-provisioning', seconds: 60 }]);
    const running = await w.client.workflow.start('SetupInterRegionPeering', {
      taskQueue: w.taskQueue,
      workflowId: 'setup-running',
      args: [{ ...REQUEST, requester: { ...REQUEST.requester, cidrBlock: '10.3.0.0/16' } }],
    });
    await new Promise((r) => setTimeout(r, 4000));
    await run('TeardownInterRegionPeering', 'teardown-refused-running', { setupWorkflowId: 'setup-running' });
    await save('teardown-refused-running', 'teardown-refused-running');
    await running.cancel();
    await running.result().catch(() => undefined);
    proxy.clearRules();

    proxy.setRules([
      { action: 'CreateRoute', region: 'eu-west-1', kind: 'error', status: 403, code: 'UnauthorizedOperation' },
    ]);
    await run('SetupInterRegionPeering', 'setup-rollback', REQUEST);
    await save('setup-rollback', 'setup-rollback');

    proxy.setRules([{ kind: 'peering-provisioning', seconds: 60 }]);
    const handle = await w.client.workflow.start('SetupInterRegionPeering', {
      taskQueue: w.taskQueue,
      workflowId: 'setup-cancelled',
      args: [REQUEST],
    });
    await new Promise((r) => setTimeout(r, 4000));
    await handle.cancel();
    await handle.result().catch(() => undefined);
    await save('setup-cancelled', 'setup-cancelled');
    proxy.clearRules();

    await run('SetupInterRegionPeering', 'setup-invalid', { ...REQUEST, allow: [] });
    await save('setup-invalid', 'setup-invalid');
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
