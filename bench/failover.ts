/**
 * The failover in the bench, under the realistic profile: the AWS-faithful layer holds the
 * promotion, the capacity's warm-up and Route 53's `PENDING` (harness/latency-profile.ts,
 * FAILOVER_TIMING), and every call waits its drawn latency. Each round fails a fresh world over
 * with us-east-1 down (the `regionOutage` rule: no answer at all from its EC2, RDS, Auto Scaling
 * and ECS), then back once it answers again, through FailoverToRegion on the production worker,
 * driven by the Temporal client with a request and read back from its report (`rtoSeconds`, the
 * steps' times). A second world goes through the same two moves as a bare runbook
 * (bench/bare-failover.ts): its steps give the critical path and the sequential time.
 */
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { Client, Connection } from '@temporalio/client';
import type { FailoverReport, FailoverRequest } from '../src/domain/failover/types';
import { SUITE_PROFILE, timingWith } from '../harness/faithful';
import { regionOutage, startFaultProxy, type AwsCall } from '../harness/fault-proxy';
import { FAILOVER_TIMING, realisticAwsProfile } from '../harness/latency-profile';
import { bareRunbook, criticalPathMs, type RunbookSteps } from './bare-failover';
import { DR, PRIMARY, failoverRequest, makeFailoverWorld, type FailoverWorld } from './failover-world';
import { FAILOVER_RUNS, log } from './config';
import { CREDENTIALS } from './in-process-worker';
import { withTimeout } from './kit';
import { runProtectBench, type ProtectBench } from './protect';
import { ms } from './report';
import { buildWorker, resetMoto, startBenchServers, startWorkerProcess } from './servers';

export type Direction = 'failover' | 'failback';

export interface FailoverMove {
  direction: Direction;
  outcome: FailoverReport['outcome'];
  reason?: string;
  rtoSeconds: number | null;
  /** Start to result, as the client saw it. */
  wallMs: number;
  /** Each step of the report, in ms. */
  steps: Record<string, number>;
  runbook: RunbookSteps;
  criticalPathMs: number;
}

export interface FailoverBench {
  moves: FailoverMove[];
  timing: typeof FAILOVER_TIMING;
  /** Whether the requests carried `recoveredWhen` (BENCH_RECOVERED_WHEN=1). */
  recoveredWhen: boolean;
  protect: ProtectBench;
}

const stepTimes = (r: FailoverReport) =>
  Object.fromEntries(r.steps.map((s) => [s.name, Date.parse(s.finishedAt) - Date.parse(s.startedAt)]));

/**
 * The hook for `recoveredWhen` (CONTRACT: the `recovered` step): a target-region alarm that is in
 * ALARM until FAILOVER_TIMING.alarmRecoveryMs after the switch's change batch reaches the proxy.
 */
function recoveryHook(motoUrl: string) {
  const armed = new Map<string, { region: string; alarmName: string }>();
  const cloudWatch = (region: string) => new CloudWatchClient({ region, endpoint: motoUrl, credentials: CREDENTIALS });
  return {
    /** The request's `recoveredWhen` (a field of the contract's next FailoverRequest, not of today's type). */
    async arm(world: FailoverWorld, region: string): Promise<Record<string, unknown>> {
      const alarmName = `${world.name}-5xx-${region}`;
      await cloudWatch(region).send(
        new PutMetricAlarmCommand({
          AlarmName: alarmName,
          MetricName: 'HTTPCode_Target_5XX_Count',
          Namespace: 'AWS/ApplicationELB',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        }),
      );
      await cloudWatch(region).send(
        new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'ALARM', StateReason: 'bench: not serving yet' }),
      );
      armed.set(world.zoneId, { region, alarmName });
      return { recoveredWhen: [{ kind: 'cloudwatch-alarm', region, alarmName }] };
    },
    onCall(call: AwsCall): void {
      // Route 53 is a REST API: the proxy names its calls by method and path.
      const zone = /^POST \/[\d-]+\/hostedzone\/([^/]+)\/rrset/.exec(call.action)?.[1];
      const alarm = zone ? armed.get(zone) : undefined;
      if (!alarm) return;
      armed.delete(zone!);
      setTimeout(() => {
        void cloudWatch(alarm.region).send(
          new SetAlarmStateCommand({ AlarmName: alarm.alarmName, StateValue: 'OK', StateReason: 'bench: serving' }),
        );
      }, FAILOVER_TIMING.alarmRecoveryMs).unref();
    },
  };
}

export async function runFailoverBench(o: {
  motoUrl: string;
  temporalAddress: string;
  client: Client;
  runs: number;
}): Promise<FailoverBench> {
  const profile = realisticAwsProfile({ allServices: true, seed: 7 });
  const withRecovery = process.env.BENCH_RECOVERED_WHEN === '1';
  const recovery = recoveryHook(o.motoUrl);
  const proxy = await startFaultProxy({
    target: o.motoUrl,
    faithful: { ...SUITE_PROFILE, timing: timingWith(SUITE_PROFILE.timing, FAILOVER_TIMING.layer) },
    promotion: FAILOVER_TIMING.promotion,
    capacity: FAILOVER_TIMING.capacity,
    latency: (call) => {
      recovery.onCall(call);
      return profile.latencyMs(call);
    },
  });
  const worker = await startWorkerProcess({
    temporalAddress: o.temporalAddress,
    motoUrl: proxy.url,
    taskQueue: `bench-failover-${process.pid}`,
    name: 'worker-failover',
  });
  const moves: FailoverMove[] = [];
  let protect: ProtectBench = { skipped: 'not reached' };
  try {
    for (let round = 0; round < o.runs; round++) {
      await resetMoto(o.motoUrl);
      const name = `bench-${process.pid}-${round}`;
      const [flow, bare] = await Promise.all([
        makeFailoverWorld(o.motoUrl, `${name}-flow`),
        makeFailoverWorld(o.motoUrl, `${name}-bare`),
      ]);
      for (const direction of ['failover', 'failback'] as const) {
        const outage = direction === 'failover' ? regionOutage(PRIMARY) : [];
        const target = direction === 'failover' ? DR : PRIMARY;
        const request: FailoverRequest & Record<string, unknown> = {
          ...failoverRequest(flow, direction),
          ...(withRecovery ? await recovery.arm(flow, target) : {}),
        };
        proxy.setRules(outage);
        const started = performance.now();
        const handle = await o.client.workflow.start('FailoverToRegion', {
          taskQueue: worker.taskQueue,
          workflowId: `bench-${direction}-${name}`,
          args: [request],
        });
        const report = await withTimeout(`${direction} ${name}`, handle.result() as Promise<FailoverReport>, 900_000);
        const wallMs = performance.now() - started;
        proxy.setRules(outage);
        const runbook = await bareRunbook(proxy.url, failoverRequest(bare, direction));
        proxy.clearRules();
        const move: FailoverMove = {
          direction,
          outcome: report.outcome,
          ...(report.reason ? { reason: report.reason } : {}),
          rtoSeconds: report.rtoSeconds,
          wallMs,
          steps: stepTimes(report),
          runbook,
          criticalPathMs: criticalPathMs(runbook),
        };
        moves.push(move);
        log(
          `${direction} ${round + 1}/${o.runs}: ${report.outcome}${report.reason ? ` (${report.reason})` : ''}, RTO ${report.rtoSeconds} s; runbook ${ms(runbook.totalMs)}, critical path ${ms(move.criticalPathMs)}`,
        );
      }
    }
    protect = await runProtectBench({
      motoUrl: o.motoUrl,
      client: o.client,
      taskQueue: worker.taskQueue,
      runs: o.runs,
    });
  } finally {
    proxy.clearRules();
    await worker.stop();
    await proxy.close();
  }
  return { moves, timing: FAILOVER_TIMING, recoveredWhen: withRecovery, protect };
}

/** Standalone: `npx ts-node --transpile-only bench/failover.ts` (BENCH_BUILD=0 reuses lib/). */
async function main(): Promise<void> {
  const [servers] = await Promise.all([
    startBenchServers(),
    process.env.BENCH_BUILD === '0' ? Promise.resolve() : buildWorker(),
  ]);
  const connection = await Connection.connect({ address: servers.temporal.address });
  try {
    const bench = await runFailoverBench({
      motoUrl: servers.moto.url,
      temporalAddress: servers.temporal.address,
      client: new Client({ connection }),
      runs: FAILOVER_RUNS,
    });
    console.log(JSON.stringify(bench, null, 2));
  } finally {
    await connection.close();
    await servers.stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
