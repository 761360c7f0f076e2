/**
 * The application's health signals for the recovery tests: CloudWatch alarms made and moved through
 * the suite's proxy (so the AWS-faithful layer shows a new alarm INSUFFICIENT_DATA, as AWS does),
 * Route 53 health checks made in moto with their checkers' observations seeded on the layer, and the
 * recovery wait's live heartbeat read back as the CLI reads it.
 */
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';
import { type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import type {
  FailoverProgress,
  FailoverStepName,
  RecoverySignal,
  SignalReading,
} from '../../../src/domain/failover/types';
import { CREDENTIALS } from '../harness';
import { rawMotoRequested } from '../../../harness/faithful';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class HealthSignals {
  constructor(
    /** Where alarms are made and moved: the suite's proxy. */
    private readonly awsUrl: string,
    /** Where health checks are made: moto itself. */
    private readonly motoUrl: string,
  ) {}

  cloudWatch(region: string): CloudWatchClient {
    return new CloudWatchClient({ region, endpoint: this.awsUrl, credentials: CREDENTIALS });
  }

  /** A new 5xx alarm on the DR load balancer; AWS (and the layer) show it INSUFFICIENT_DATA until evaluated. */
  async alarm(region: string, name = `abc-dr-5xx-${randomUUID().slice(0, 8)}`): Promise<string> {
    await this.cloudWatch(region).send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: [{ Name: 'LoadBalancer', Value: 'app/abc-dr/0123456789abcdef' }],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    // moto starts it OK; without the layer (TEST_RAW_MOTO), put it where AWS would have it.
    if (rawMotoRequested()) await this.setAlarm(region, name, 'INSUFFICIENT_DATA', 'Unchecked: Initial alarm creation');
    return name;
  }

  async setAlarm(region: string, name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', reason: string) {
    await this.cloudWatch(region).send(
      new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason }),
    );
  }

  /** An HTTPS health check of the DR load balancer, made in moto; its id. */
  async healthCheck(): Promise<string> {
    const r53 = new Route53Client({ region: 'us-east-1', endpoint: this.motoUrl, credentials: CREDENTIALS });
    const out = await r53.send(
      new CreateHealthCheckCommand({
        CallerReference: randomUUID(),
        HealthCheckConfig: {
          Type: 'HTTPS',
          FullyQualifiedDomainName: 'dr-alb.eu-west-1.elb.amazonaws.com',
          ResourcePath: '/health',
          Port: 443,
          RequestInterval: 10,
          FailureThreshold: 3,
        },
      }),
    );
    return out.HealthCheck!.Id!;
  }
}

/** Signals that read healthy at once, made in moto: an alarm set OK in `region` and a health check. */
export async function healthySignals(motoUrl: string, region: string): Promise<RecoverySignal[]> {
  const health = new HealthSignals(motoUrl, motoUrl);
  const alarm = await health.alarm(region);
  await health.setAlarm(region, alarm, 'OK', 'serving');
  return [
    { kind: 'cloudwatch-alarm', region, alarmName: alarm },
    { kind: 'route53-health-check', healthCheckId: await health.healthCheck() },
  ];
}

/** Waits until the run is in `step` (the query's `running`). */
export async function untilRunning(handle: WorkflowHandle, step: FailoverStepName, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const p = await handle.query<FailoverProgress>('progress').catch(() => undefined);
    if (p?.running?.includes(step)) return;
    if (p?.outcome) throw new Error(`${handle.workflowId} ended (${p.outcome}) before ${step}`);
    await sleep(100);
  }
  throw new Error(`${handle.workflowId} never ran ${step}`);
}

/** The recovery wait's last heartbeat: the readings of its latest poll, as `failover --wait` shows them. */
export async function lastReadings(handle: WorkflowHandle): Promise<SignalReading[] | undefined> {
  const { raw } = await handle.describe();
  const wait = (raw.pendingActivities ?? []).find((a) => a.activityType?.name === 'awaitRecovery');
  const payload = wait?.heartbeatDetails?.payloads?.[0];
  if (!payload) return undefined;
  return defaultPayloadConverter.fromPayload<{ readings: SignalReading[] }>(payload).readings;
}

/** Polls the heartbeat until `seen` holds for the readings. */
export async function untilReadings(
  handle: WorkflowHandle,
  seen: (readings: SignalReading[]) => boolean,
  timeoutMs = 30_000,
): Promise<SignalReading[]> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const readings = await lastReadings(handle).catch(() => undefined);
    if (readings && seen(readings)) return readings;
    await sleep(250);
  }
  throw new Error(`${handle.workflowId}: the recovery wait never read what was expected`);
}
