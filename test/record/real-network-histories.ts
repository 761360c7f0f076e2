/**
 * Records the histories of real organisations' networks into test/histories/, for
 * test/replay.test.ts: a cross-account setup (the accepter through its role), an intra-region
 * cross-account teardown (one delete per account in one region), an adopted peering's setup and
 * teardown (no request, accept or DNS), an IPv6 setup, and a drill of the cross-account setup (its
 * rehearsal reading the peering through the role). The histories recorded before these paths are
 * left as they were. Run by hand after a deliberate workflow change:
 *   npx ts-node --transpile-only test/record/real-network-histories.ts
 * It starts its own dev server and moto, and never runs during npm test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { partnerRoles } from '../support/accounts';
import { abcDrillRequest, createFailoverTargets } from '../support/drill/fixtures';
import { startFaultProxy } from '../../harness/fault-proxy';
import { startStsTrust } from '../../harness/faithful/sts-trust';
import { startTestWorker } from '../support/harness';
import { existingNetwork, peeringMadeOutside } from '../support/real-networks';
import { startRecordingServers } from './servers';

const OUT = path.resolve(__dirname, '../histories');
const EXTERNAL_ID = 'abc-dr-recorded';
const ALLOW: PeeringRequest['allow'] = [
  { protocol: 'tcp', fromPort: 5432, toPort: 5432, description: 'PostgreSQL replication' },
  { protocol: 'tcp', fromPort: 443, toPort: 443, description: 'HTTPS' },
];

async function main() {
  const servers = await startRecordingServers('record-real-');
  const proxy = await startFaultProxy({ target: servers.moto.url });
  const trust = await startStsTrust({ target: proxy.url });
  const w = await startTestWorker({ endpoint: trust.url });
  const save = async (workflowId: string) => {
    const history = await w.client.workflow.getHandle(workflowId).fetchHistory();
    fs.writeFileSync(path.join(OUT, `${workflowId}.json`), `${JSON.stringify(history)}\n`);
    console.log(`recorded ${workflowId} (${history.events?.length} events)`);
  };
  const run = async (type: string, workflowId: string, arg: unknown) => {
    const out = await w.client.workflow.execute(type, { taskQueue: w.taskQueue, workflowId, args: [arg] });
    await save(workflowId);
    return out;
  };
  try {
    const roles = await partnerRoles('recorded', EXTERNAL_ID);
    const role = { roleArn: roles.accepter, externalId: EXTERNAL_ID };

    await run('SetupInterRegionPeering', 'setup-cross-account', {
      requester: { region: 'us-east-1', cidrBlock: '10.0.0.0/16', name: 'abc-primary' },
      accepter: { region: 'eu-west-1', cidrBlock: '10.1.0.0/16', name: 'abc-dr', ...role },
      allow: ALLOW,
      tags: { Project: 'abc-dr' },
    } satisfies PeeringRequest);
    const failover = await createFailoverTargets();
    await run('DrDrill', 'drdrill-cross-account', abcDrillRequest('setup-cross-account', failover));

    await run('SetupInterRegionPeering', 'setup-cross-account-intra-region', {
      requester: { region: 'us-east-1', cidrBlock: '10.2.0.0/16' },
      accepter: { region: 'us-east-1', cidrBlock: '10.3.0.0/16', ...role },
      allow: ALLOW,
    } satisfies PeeringRequest);
    await run('TeardownInterRegionPeering', 'teardown-cross-account-intra-region', {
      setupWorkflowId: 'setup-cross-account-intra-region',
    });

    const [a, b] = await Promise.all([
      existingNetwork({ region: 'us-east-1', cidrBlock: '10.4.0.0/16' }),
      existingNetwork({ region: 'eu-west-1', cidrBlock: '10.5.0.0/16' }),
    ]);
    const requester = { region: 'us-east-1', vpcId: a.vpcId };
    const accepter = { region: 'eu-west-1', vpcId: b.vpcId };
    const pcx = await peeringMadeOutside(requester, accepter);
    await run('SetupInterRegionPeering', 'setup-adopted', {
      requester,
      accepter,
      allow: ALLOW,
      peeringConnectionId: pcx,
    } satisfies PeeringRequest);
    await run('TeardownInterRegionPeering', 'teardown-adopted', { setupWorkflowId: 'setup-adopted' });

    await run('SetupInterRegionPeering', 'setup-ipv6', {
      requester: { region: 'us-east-1', cidrBlock: '10.6.0.0/16' },
      accepter: { region: 'eu-west-1', cidrBlock: '10.7.0.0/16' },
      allow: ALLOW,
      ipv6: true,
    } satisfies PeeringRequest);
  } finally {
    await w.shutdown();
    await trust.close();
    await proxy.close();
    await servers.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
