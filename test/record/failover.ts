/**
 * Records FailoverToRegion histories from the real dev server into test/histories/failover-*.json,
 * for test/replay.test.ts. Not part of `npm test`: run it by hand after a deliberate change to the
 * workflow, and commit the JSON with the change. Name the histories to record:
 *
 *   npx ts-node --transpile-only test/record/failover.ts outage routing-control drill-scale
 *   npx ts-node --transpile-only test/record/failover.ts recovered recovered-drill
 *   npx ts-node --transpile-only test/record/failover.ts data-rpo planned drain-timeout
 *   npx ts-node --transpile-only test/record/failover.ts decisions cancelled
 *   npx ts-node --transpile-only test/record/failover.ts late-decision   (waits 5 minutes for the decision)
 *
 * `auto`, `signal` and `drill` were recorded with the workflow before the DR runbook (scale
 * actions, routing controls); they stay as they are, so that replay keeps proving runs started
 * then still replay. Record them again only when that is no longer wanted.
 *
 * It starts its own Temporal dev server and moto on free ports, with the fault proxy (RDS promotion
 * as AWS does it) and a test ARC cluster in front, and stops them again. Each report is printed.
 */
import { type WorkflowHandle } from '@temporalio/client';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FailoverProgress, FailoverRequest } from '../../src/domain/failover/types';
import { SWITCH_HISTORIES } from './failover-switch';
import { startArcCluster, type ArcCluster } from '../support/arc-cluster';
import { FROM, MotoFailoverFixture, TO } from '../support/failover/fixture';
import { regionOutage, startFaultProxy, type FaultProxy } from '../../harness/fault-proxy';
import { startTestWorker, type TestWorker } from '../support/harness';
import { PilotLightFixture } from '../support/pilot-light-fixture';
import { HealthSignals, sleep, untilRunning } from '../support/failover/health';
import { ROOT } from '../../harness/stack';
import { SUITE_PROFILE } from '../../harness/faithful';
import { startRecordingServers } from './servers';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { firstPeriodAfter } from '../../src/domain/failover/planned';
import { DECISION_HISTORIES } from './failover-decisions';

const OUT_DIR = path.join(ROOT, 'test', 'histories');

/** The replay test passes the same id, derived from the file name. */
export const historyWorkflowId = (name: string) => `failover-${name}`;

export interface Kit {
  w: TestWorker;
  health: HealthSignals;
  proxy: FaultProxy;
  arc: ArcCluster;
  fixture: MotoFailoverFixture;
  pilot: PilotLightFixture;
  motoUrl: string;
}

/** A ReplicaLag datapoint, as RDS would publish it in the replica's region (nothing does on moto). */
async function putLag(k: Kit, id: string, seconds: number, at: Date, region = TO): Promise<void> {
  await new CloudWatchClient({
    region,
    endpoint: k.motoUrl,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  }).send(
    new PutMetricDataCommand({
      Namespace: 'AWS/RDS',
      MetricData: [
        {
          MetricName: 'ReplicaLag',
          Dimensions: [{ Name: 'DBInstanceIdentifier', Value: id }],
          Timestamp: at,
          Value: seconds,
          Unit: 'Seconds',
        },
      ],
    }),
  );
}

/** A planned failover: the writers in us-east-1 fenced (scaled to 0) before the drain. */
async function planned(k: Kit, name: string, drainTimeout: string): Promise<FailoverRequest> {
  const world = await k.fixture.world(name);
  const writers = await k.pilot.group(FROM, { min: 0, max: 4, desired: 2 }, `${name}-writers`);
  return {
    ...world.request,
    mode: 'planned',
    drainTimeout,
    scale: [{ kind: 'autoscaling', region: FROM, name: writers, desiredCapacity: 0, when: 'fence' }],
  };
}

/** Once the fence has ended, a ReplicaLag of 0 in the first period after it. */
async function drainAfterFence(k: Kit, h: WorkflowHandle, request: FailoverRequest): Promise<void> {
  const step = `scale:${FROM}:${request.scale![0]!.kind === 'autoscaling' ? request.scale![0]!.name : ''}`;
  for (let i = 0; i < 300; i++) {
    const p = await h.query<FailoverProgress>('progress').catch(() => undefined);
    const fence = p?.steps.find((s) => s.name === step);
    if (fence) {
      const at = new Date(firstPeriodAfter(new Date(fence.finishedAt)).getTime() + 1_000);
      await putLag(k, request.promoteReplica!.dbInstanceIdentifier, 0, at);
      return;
    }
    await sleep(100);
  }
  throw new Error('the fence never ended');
}

async function approveWhenWaiting(handle: WorkflowHandle): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const p = await handle.query<FailoverProgress>('progress').catch(() => undefined);
    if (p?.awaitingDecision) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1_000));
  await handle.signal('approve', { by: 'recording-script' });
}

/** A world with a pilot light: the DR web group (MaxSize 1, so it is raised) and service, the primary's group. */
async function pilotLight(k: Kit, name: string): Promise<FailoverRequest> {
  const world = await k.fixture.world(name);
  const [drGroup, svc, primary] = await Promise.all([
    k.pilot.group(TO, { min: 0, max: 1, desired: 0 }, `${name}-web-dr`),
    k.pilot.service(TO, 0),
    k.pilot.group(FROM, { min: 1, max: 4, desired: 2 }, `${name}-web`),
  ]);
  return {
    ...world.request,
    scale: [
      { kind: 'autoscaling', region: TO, name: drGroup, desiredCapacity: 2 },
      { kind: 'ecs', region: TO, cluster: svc.cluster, service: svc.service, desiredCount: 2 },
      { kind: 'autoscaling', region: FROM, name: primary, desiredCapacity: 0, when: 'after-switch' },
    ],
  };
}

/** A pilot light with recoveredWhen: an alarm in ALARM, and a health check with 5 of its 16 checkers failing. */
async function recovering(k: Kit, name: string): Promise<{ request: FailoverRequest; alarm: string }> {
  const request = await pilotLight(k, name);
  const alarm = await k.health.alarm(TO, `${name}-5xx`);
  await k.health.setAlarm(TO, alarm, 'ALARM', 'Threshold Crossed: the DR tier is still waking');
  const check = await k.health.healthCheck();
  k.proxy.faithful.healthChecks.observe(check, { failing: 5 });
  return {
    alarm,
    request: {
      ...request,
      recoveredWhen: [
        { kind: 'cloudwatch-alarm', region: TO, alarmName: alarm },
        { kind: 'route53-health-check', healthCheckId: check },
      ],
      recoveryTimeout: '5m',
    },
  };
}

/** What each history is: the request, and what the world looks like while it runs. */
const HISTORIES: Record<
  string,
  (k: Kit) => Promise<{ request: FailoverRequest; drive?: (h: WorkflowHandle) => Promise<void> }>
> = {
  ...SWITCH_HISTORIES,
  auto: async (k) => ({ request: (await k.fixture.world('abc-auto')).request }),
  signal: async (k) => ({
    request: { ...(await k.fixture.world('abc-signal')).request, approval: 'signal', approvalTimeout: '5m' },
    drive: approveWhenWaiting,
  }),
  drill: async (k) => ({ request: { ...(await k.fixture.world('abc-drill')).request, drill: true } }),
  // us-east-1 silent: the probes there report unreachable, its after-switch scale-down is skipped.
  outage: async (k) => {
    const request = await pilotLight(k, 'abc-outage');
    k.proxy.setRules(regionOutage(FROM));
    return { request };
  },
  // Routing controls through the data plane, approved by signal, with the us-east-1 endpoint silent.
  'routing-control': async (k) => {
    const request = await pilotLight(k, 'abc-rc');
    const routingControls = {
      from: k.arc.addRoutingControl('primary', 'On'),
      to: k.arc.addRoutingControl('dr', 'Off'),
    };
    k.arc.setDown(FROM, 'unreachable');
    return {
      request: {
        ...request,
        approval: 'signal',
        approvalTimeout: '5m',
        dnsSwitch: { mode: 'routing-control', clusterEndpoints: k.arc.endpoints, routingControls },
      },
      drive: approveWhenWaiting,
    };
  },
  'drill-scale': async (k) => ({ request: { ...(await pilotLight(k, 'abc-drill-scale')), drill: true } }),
  // Patched 'failover-recovered-when': the alarm turns OK 3 s into the recovered step, then the scale-in.
  recovered: async (k) => {
    const { request, alarm } = await recovering(k, 'abc-recovered');
    return {
      request,
      drive: async (h) => {
        await untilRunning(h, 'recovered');
        await sleep(3_000);
        await k.health.setAlarm(TO, alarm, 'OK', 'the DR load balancer serves 2xx again');
      },
    };
  },
  // The data side (patched 'failover-data-rpo'): the RPO measured, under maxRpoSeconds; the promotion tagged.
  'data-rpo': async (k) => {
    const world = await k.fixture.world('abc-data-rpo');
    const replica = world.request.promoteReplica!;
    await putLag(k, replica.dbInstanceIdentifier, 3, new Date());
    return { request: { ...world.request, promoteReplica: { ...replica, maxRpoSeconds: 30 } } };
  },
  // Planned: the fence, the drain to 0 after it, then the promotion and the switch.
  planned: async (k) => {
    const request = await planned(k, 'abc-planned', '3m');
    return { request, drive: (h) => drainAfterFence(k, h, request) };
  },
  // Planned, never drained: the fence put back, nothing promoted.
  'drain-timeout': async (k) => ({ request: await planned(k, 'abc-drain-timeout', '4s') }),
  // A drill reads each signal once and waits for none.
  'recovered-drill': async (k) => ({
    request: { ...(await recovering(k, 'abc-recovered-drill')).request, drill: true },
  }),
  ...DECISION_HISTORIES,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !HISTORIES[n]);
  if (!names.length || unknown.length) {
    throw new Error(
      `name the histories to record, of: ${Object.keys(HISTORIES).join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
    );
  }
  const servers = await startRecordingServers('record-failover-');
  // The AWS-faithful profile (replication status, promotion as AWS does it), as the suites run.
  const [proxy, arc] = await Promise.all([
    startFaultProxy({ target: servers.moto.url, faithful: SUITE_PROFILE }),
    startArcCluster([FROM, TO]),
  ]);
  const w = await startTestWorker({ endpoint: proxy.url });
  const kit: Kit = {
    w,
    proxy,
    arc,
    fixture: new MotoFailoverFixture(servers.moto.url),
    pilot: new PilotLightFixture(servers.moto.url),
    motoUrl: servers.moto.url,
    health: new HealthSignals(proxy.url, servers.moto.url),
  };
  try {
    fs.mkdirSync(OUT_DIR, { recursive: true });
    for (const name of names) {
      const { request, drive } = await HISTORIES[name]!(kit);
      const handle = await w.client.workflow.start('FailoverToRegion', {
        taskQueue: w.taskQueue,
        workflowId: historyWorkflowId(name),
        args: [request],
      });
      await drive?.(handle);
      // A cancelled run's result is a CanceledFailure; its report is in the progress query.
      const report: unknown = await handle
        .result()
        .catch(async (err: unknown) => ({ result: String(err), progress: await handle.query('progress') }));
      proxy.clearRules();
      proxy.promotionTiming.modifyingMs = 3_000;
      proxy.faithful.healthChecks.forget();
      arc.setDown(FROM, false);
      const file = path.join(OUT_DIR, `failover-${name}.json`);
      // The proto's own toJSON: int64 as strings, enums by name, as the replay test reads them.
      fs.writeFileSync(file, `${JSON.stringify(await handle.fetchHistory())}\n`);
      console.log(`--- ${name}: ${path.relative(ROOT, file)}\n${JSON.stringify(report, null, 2)}`);
    }
  } finally {
    await w.shutdown();
    await Promise.all([proxy.close(), arc.close()]);
    await servers.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
