/**
 * The database's whole DR lifecycle, on the embedded local stack only (`npm run stack:up` first;
 * `npm run lifecycle` does both): ProtectDatabase, an unplanned FailoverToRegion with us-east-1 down
 * (the stack's AWS-faithful layer leaves every us-east-1 EC2, RDS, Auto Scaling and ECS call
 * unanswered, as in a regional outage), ReprotectDatabase once it answers again, and a planned
 * failback that fences the eu-west-1 writers and drains the replica to RPO 0. Prints RTO and RPO
 * for each switch. Refuses any endpoint that is not the stack's own: it never touches real AWS.
 *
 *   npx ts-node --transpile-only scripts/lifecycle.ts [http://127.0.0.1:5000]
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { regionOutage, REGIONAL_APIS } from '../harness/fault-proxy/unreachable';
import { ruleToJson } from '../harness/fault-proxy/rules';
import type { ProtectionReport } from '../src/domain/database/types';
import { firstPeriodAfter } from '../src/domain/failover/planned';
import type { FailoverProgress, FailoverReport, FailoverRequest } from '../src/domain/failover/types';
import { loadTemporalSettings } from '../src/config';
import { assertLocalStack, DR, HOME, makeWorld, putLag, type LifecycleWorld } from './lifecycle-world';

const endpoint = process.argv[2] ?? `http://127.0.0.1:${process.env.STACK_AWS_PORT ?? 5000}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The stack's layer is a fault proxy: its control route sets the rules every caller meets. */
async function setOutage(region: string | undefined): Promise<void> {
  const rules = region ? regionOutage(region, REGIONAL_APIS).map(ruleToJson) : [];
  const res = await fetch(new URL('/__faults/rules', endpoint), { method: 'POST', body: JSON.stringify(rules) });
  if (!res.ok) throw new Error(`the stack's layer refused the fault rules: ${res.status} ${await res.text()}`);
}

function rpoText(r: FailoverReport): string {
  if (!r.rpo) return 'n/a';
  return r.rpo.seconds === null ? `unknown (${r.rpo.basis})` : `${r.rpo.seconds} s (${r.rpo.basis})`;
}

function printSwitch(title: string, r: FailoverReport, wallMs: number): void {
  console.log(
    `  outcome ${r.outcome}${r.reason ? `: ${r.reason}` : ''}; promotion ${r.promotion}; ${secs(wallMs)} in all`,
  );
  for (const s of r.steps)
    console.log(
      `    ${s.name.padEnd(34)} ${s.outcome.padEnd(7)} ${secs(Date.parse(s.finishedAt) - Date.parse(s.startedAt))}`,
    );
  if (r.unreachable?.length)
    console.log(
      `  not answering (bounded, skipped): ${r.unreachable.map((u) => `${u.service} ${u.region}`).join(', ')}`,
    );
  console.log(`  ${title}: RTO ${r.rtoSeconds === null ? 'n/a' : `${r.rtoSeconds} s`}, RPO ${rpoText(r)}`);
}

async function main(): Promise<void> {
  await assertLocalStack(endpoint);
  const settings = loadTemporalSettings();
  const client = new Client({
    connection: await Connection.connect(settings.connectionOptions),
    namespace: settings.namespace,
  });
  const start = (type: string, request: unknown, id: string) =>
    client.workflow.start(type, { taskQueue: settings.taskQueue, workflowId: id, args: [request] });
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const t = Date.now();
    const out = await fn();
    return [out, Date.now() - t];
  };

  console.log(`== the world (${endpoint}): primary in ${HOME}, DR site in ${DR}`);
  const w: LifecycleWorld = await makeWorld(endpoint);
  const [db, replicaId] = [w.source.dbInstanceIdentifier, w.replica.dbInstanceIdentifier];
  console.log(`  ${db} (${HOME}), ${w.recordName} → ${w.homeValue}, peering ${w.peeringConnectionId}`);
  const switchBase = {
    hostedZoneId: w.hostedZoneId,
    recordName: w.recordName,
    recordType: 'CNAME' as const,
    peeringConnectionId: w.peeringConnectionId,
  };
  const results: Array<[string, FailoverReport]> = [];

  console.log(`\n== 1. ProtectDatabase: a cross-region read replica ${replicaId} in ${DR}`);
  await putLag(endpoint, DR, replicaId, 1);
  const [protection, protectMs] = await timed(async () =>
    (await start('ProtectDatabase', { source: w.source, replica: w.replica }, `lifecycle-protect-${w.name}`)).result(),
  );
  const p = protection as ProtectionReport;
  console.log(
    `  ${p.replica.dbInstanceIdentifier} ${p.replicationStatus}, ReplicaLag ${p.lagSeconds} s; ${secs(protectMs)}`,
  );

  console.log(`\n== 2. FailoverToRegion, unplanned, with ${HOME} down`);
  await putLag(endpoint, DR, replicaId, 2);
  const failover: FailoverRequest = {
    ...switchBase,
    from: { region: HOME, value: w.homeValue },
    to: { region: DR, value: w.drValue },
    promoteReplica: { region: DR, dbInstanceIdentifier: replicaId, maxRpoSeconds: 60 },
    scale: [{ kind: 'autoscaling', region: DR, name: w.pilotLight, desiredCapacity: 2 }],
  };
  await setOutage(HOME);
  let down: [FailoverReport, number];
  try {
    down = await timed(async () =>
      (await start('FailoverToRegion', failover, `lifecycle-failover-${w.name}`)).result(),
    );
  } finally {
    await setOutage(undefined);
  }
  printSwitch('failover', ...down);
  results.push(['failover (unplanned, us-east-1 down)', down[0]]);

  console.log(
    `\n== 3. ReprotectDatabase, ${HOME} back: ${db} retired (renamed, kept), a replica of ${replicaId} takes its name`,
  );
  await putLag(endpoint, HOME, db, 0);
  const [reprotection, reprotectMs] = await timed(async () =>
    (
      await start(
        'ReprotectDatabase',
        { primary: { region: DR, dbInstanceIdentifier: replicaId }, oldPrimary: w.source },
        `lifecycle-reprotect-${w.name}`,
      )
    ).result(),
  );
  const rp = reprotection as ProtectionReport;
  console.log(
    `  retired ${rp.retired?.dbInstanceIdentifier}; ${rp.replica.dbInstanceIdentifier} (${rp.replica.region}) ${rp.replicationStatus}; ${secs(reprotectMs)}`,
  );

  console.log(`\n== 4. FailoverToRegion, planned failback to ${HOME}: fence ${w.pilotLight}, drain, promote ${db}`);
  const failback: FailoverRequest = {
    ...switchBase,
    mode: 'planned',
    drainTimeout: '5m',
    from: { region: DR, value: w.drValue },
    to: { region: HOME, value: w.homeValue },
    promoteReplica: { region: HOME, dbInstanceIdentifier: db },
    scale: [
      { kind: 'autoscaling', region: DR, name: w.pilotLight, desiredCapacity: 0, when: 'fence' },
      { kind: 'autoscaling', region: HOME, name: w.writers, desiredCapacity: 2 },
    ],
  };
  const back = await timed(async () => {
    const handle = await start('FailoverToRegion', failback, `lifecycle-failback-${w.name}`);
    await drainAfterFence(handle, `scale:${DR}:${w.pilotLight}`, db);
    return (await handle.result()) as FailoverReport;
  });
  printSwitch('failback', ...back);
  results.push(['failback (planned)', back[0]]);

  console.log('\n== summary');
  for (const [what, r] of results)
    console.log(
      `  ${what.padEnd(38)} ${r.outcome.padEnd(9)} RTO ${String(r.rtoSeconds ?? 'n/a').padStart(5)} s   RPO ${rpoText(r)}`,
    );
  console.log(
    `  kept, never deleted: ${rp.retired?.dbInstanceIdentifier} (${HOME}, the old primary), ${replicaId} (${DR}, now a source again)`,
  );
  if (results.some(([, r]) => r.outcome !== 'completed')) process.exitCode = 1;
}

/**
 * RDS publishes ReplicaLag once a minute; nothing does on the stack. Once the fence has ended, put
 * the 0 that RDS would publish for the first minute after it (on AWS: within a minute or two).
 */
async function drainAfterFence(handle: WorkflowHandle, fenceStep: string, id: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const progress = await handle.query<FailoverProgress>('progress').catch(() => undefined);
    const fence = progress?.steps.find((s) => s.name === fenceStep);
    if (fence) {
      const at = new Date(firstPeriodAfter(new Date(fence.finishedAt)).getTime() + 1_000);
      await putLag(endpoint, HOME, id, 0, at);
      console.log(`  fence ended ${fence.finishedAt}; ReplicaLag 0 put for the minute from ${at.toISOString()}`);
      return;
    }
    if (progress?.step === 'done') return;
    await sleep(200);
  }
}

main().catch(async (err: unknown) => {
  await setOutage(undefined).catch(() => undefined);
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
