/**
 * ProtectDatabase in the bench: its time to a replicating replica against the time the profile
 * holds a new replica `creating` (FAILOVER_TIMING.layer.rds.creatingMs). It runs only when the
 * workflow is in this build (src/workflows/index.ts exports it); otherwise it says so. The request
 * is CONTRACT.md's `ProtectDatabase` shape, with the DR VPC and its subnets in two zones named.
 * moto publishes no RDS metrics, so the bench puts the replica's `ReplicaLag` (0 s) every few
 * seconds while the run waits, as the contract's outside tests do.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { type Client } from '@temporalio/client';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAILOVER_TIMING } from '../harness/latency-profile';
import { ROOT, log } from './config';
import { DR, PRIMARY, makeFailoverWorld } from './failover-world';
import { CREDENTIALS } from './in-process-worker';
import { withTimeout } from './kit';
import { ms } from './report';
import { resetMoto } from './servers';

export type ProtectBench = { skipped: string } | { runs: Array<{ ms: number; creatingMs: number; outcome: string }> };

/** Whether this build registers ProtectDatabase: the workflows' index exports it. */
export function protectDatabaseBuilt(): boolean {
  const index = fs.readFileSync(path.join(ROOT, 'src', 'workflows', 'index.ts'), 'utf8');
  return /export\s*\{[^}]*\bProtectDatabase\b[^}]*\}/.test(index);
}

export async function runProtectBench(o: {
  motoUrl: string;
  client: Client;
  taskQueue: string;
  runs: number;
}): Promise<ProtectBench> {
  if (!protectDatabaseBuilt()) return { skipped: 'ProtectDatabase not in this build' };
  const creatingMs = FAILOVER_TIMING.layer.rds?.creatingMs ?? 0;
  const cloudWatch = new CloudWatchClient({ region: DR, endpoint: o.motoUrl, credentials: CREDENTIALS });
  const runs: Array<{ ms: number; creatingMs: number; outcome: string }> = [];
  for (let i = 0; i < o.runs; i++) {
    await resetMoto(o.motoUrl);
    const world = await makeFailoverWorld(o.motoUrl, `bench-protect-${process.pid}-${i}`);
    const replicaId = `${world.sourceId}-protected`;
    const putLag = () =>
      cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/RDS',
          MetricData: [
            {
              MetricName: 'ReplicaLag',
              Dimensions: [{ Name: 'DBInstanceIdentifier', Value: replicaId }],
              Value: 0,
              Unit: 'Seconds',
              Timestamp: new Date(),
            },
          ],
        }),
      );
    await putLag();
    const lagTimer = setInterval(() => void putLag().catch(() => undefined), 5_000);
    try {
      const started = performance.now();
      const handle = await o.client.workflow.start('ProtectDatabase', {
        taskQueue: o.taskQueue,
        workflowId: `bench-protect-${process.pid}-${i}`,
        args: [
          {
            source: { region: PRIMARY, dbInstanceIdentifier: world.sourceId },
            replica: { region: DR, dbInstanceIdentifier: replicaId, network: world.drNetwork },
            maxLagSeconds: 300,
            tags: { Project: 'abc-dr' },
          },
        ],
      });
      const report = await withTimeout(
        `protect ${i}`,
        handle.result() as Promise<{ replicationStatus?: string }>,
        900_000,
      );
      runs.push({ ms: performance.now() - started, creatingMs, outcome: report.replicationStatus ?? 'unknown' });
      log(`ProtectDatabase ${i + 1}/${o.runs}: ${ms(runs.at(-1)!.ms)} (the profile holds creating ${ms(creatingMs)})`);
    } finally {
      clearInterval(lagTimer);
    }
  }
  return { runs };
}
