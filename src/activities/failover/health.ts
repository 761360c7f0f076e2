import { DescribeAlarmsCommand, type MetricAlarm, type CompositeAlarm } from '@aws-sdk/client-cloudwatch';
import { GetHealthCheckStatusCommand } from '@aws-sdk/client-route-53';
import { WaiterState } from '@smithy/util-waiter';
import { describeUnreachable } from '../../domain/failover/reads';
import { checkerVerdict } from '../../domain/failover/recovery';
import type {
  CloudWatchAlarmSignal,
  RecoverySignal,
  RecoveryWait,
  Route53HealthCheckSignal,
  SignalReading,
} from '../../domain/failover/types';
import type { AwsClients } from '../aws/clients';
import { errorName, isNamed } from '../aws/errors';
import { tryProbe, type ProbeTarget } from '../aws/reachability';
import { heartbeat, pause } from '../activity-context';
import { pollWithHeartbeat } from '../aws/waiting';

export interface RecoverySignalsInput {
  signals: RecoverySignal[];
}

export interface AwaitRecoveryInput extends RecoverySignalsInput {
  /**
   * When to stop waiting (ISO 8601): the step's start plus `recoveryTimeout`, fixed by the workflow,
   * so a retry after a lost worker waits only for what is left.
   */
  deadline: string;
}

/**
 * Seconds between polls, growing from 1 to 5 with jitter: the healthy moment, and so the RTO, is
 * late by at most one interval. An alarm's period is a minute on AWS, so 5 s loses little.
 */
const POLL = { minDelay: 1, maxDelay: 5 };
const NO_SUCH_HEALTH_CHECK = 'NoSuchHealthCheck';

type Seen = Omit<SignalReading, 'signal' | 'readAt'>;

/** An alarm's reason is long ("Threshold Crossed: 1 out of the last 1 datapoints [12.0 (…)] was …"). */
const reason = (text: string | undefined) => (text && text.length > 120 ? `${text.slice(0, 117)}…` : (text ?? ''));

/**
 * Reads the application's health signals after a switch: CloudWatch alarms in their own region,
 * Route 53 health checks through Route 53's API (in us-east-1, which may be the failed region). Every
 * read goes through a probe client: one attempt, a few seconds' bound, and no answer is a reading
 * (`unreachable`), not a failure. A refusal (access denied, throttling) is a reading too (`error`),
 * so one bad poll never fails the wait.
 */
export function createHealthActivities(clients: AwsClients) {
  async function read(signal: RecoverySignal, target: ProbeTarget, fn: () => Promise<Seen>): Promise<SignalReading> {
    const readAt = new Date().toISOString();
    try {
      const out = await tryProbe(target, fn);
      if ('value' in out) return { signal, readAt, ...out.value };
      const { waitedMs } = out.unreachable;
      return {
        signal,
        readAt,
        state: 'unreachable',
        healthy: false,
        detail: describeUnreachable(out.unreachable),
        waitedMs,
      };
    } catch (err) {
      if (isNamed(err, NO_SUCH_HEALTH_CHECK))
        return { signal, readAt, state: 'missing', healthy: false, detail: 'Route 53 has no such health check' };
      return { signal, readAt, state: 'error', healthy: false, detail: `${errorName(err)}: ${(err as Error).message}` };
    }
  }

  /**
   * DescribeAlarms returns metric alarms only unless AlarmTypes asks for composite ones too
   * (CloudWatch API reference, DescribeAlarms: "If you omit this parameter, only metric alarms are
   * returned"). An application's health alarm is often composite.
   */
  function readAlarm(s: CloudWatchAlarmSignal): Promise<SignalReading> {
    return read(s, { region: s.region, service: 'cloudwatch', check: `alarm ${s.alarmName}` }, async () => {
      const out = await clients.probe
        .cloudWatch(s.region)
        .send(new DescribeAlarmsCommand({ AlarmNames: [s.alarmName], AlarmTypes: ['CompositeAlarm', 'MetricAlarm'] }));
      const alarms: Array<MetricAlarm | CompositeAlarm> = [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])];
      const alarm = alarms.find((a) => a.AlarmName === s.alarmName);
      if (!alarm) return { state: 'missing', healthy: false, detail: `no alarm of that name in ${s.region}` };
      const state = alarm.StateValue ?? 'INSUFFICIENT_DATA';
      return {
        state: state === 'OK' || state === 'ALARM' ? state : 'INSUFFICIENT_DATA',
        healthy: state === 'OK',
        detail: reason(alarm.StateReason),
      };
    });
  }

  function readHealthCheck(s: Route53HealthCheckSignal): Promise<SignalReading> {
    const target = { region: 'us-east-1', service: 'route53', check: `health check ${s.healthCheckId}` };
    return read(s, target, async () => {
      const out = await clients.probe
        .route53()
        .send(new GetHealthCheckStatusCommand({ HealthCheckId: s.healthCheckId }));
      const v = checkerVerdict((out.HealthCheckObservations ?? []).map((o) => o.StatusReport?.Status ?? ''));
      return {
        state: v.healthy ? 'healthy' : 'unhealthy',
        healthy: v.healthy,
        detail: `${v.successes} of ${v.total} checkers report success`,
      };
    });
  }

  const readAll = (signals: RecoverySignal[]) =>
    Promise.all(signals.map((s) => (s.kind === 'cloudwatch-alarm' ? readAlarm(s) : readHealthCheck(s))));

  /** Each signal read once: a drill checks they exist and reports their state. */
  async function readRecoverySignals(input: RecoverySignalsInput): Promise<SignalReading[]> {
    return readAll(input.signals);
  }

  /**
   * Polls the signals in the SDK's waiter style until every one reads healthy, one does not exist
   * (it cannot turn healthy), or the deadline passes; each poll heartbeats what it read, so the Web
   * UI and `failover --wait` show the signals live and a cancelled run stops polling. Answers the
   * start of the first poll that read them all healthy.
   */
  async function awaitRecovery(input: AwaitRecoveryInput): Promise<RecoveryWait> {
    let polls = 0;
    const poll = async () => {
      const at = new Date().toISOString();
      const readings = await readAll(input.signals);
      polls++;
      return { at, readings };
    };
    const remaining = (Date.parse(input.deadline) - Date.now()) / 1000;
    if (remaining <= POLL.minDelay) {
      // A retry past the deadline (the worker was lost): one last look.
      const last = await poll();
      const healthy = last.readings.every((r) => r.healthy);
      const missing = last.readings.some((r) => r.state === 'missing');
      return { healthyAt: healthy ? last.at : null, readings: last.readings, polls, missing };
    }
    const judged = async () => {
      const p = await poll();
      if (p.readings.every((r) => r.healthy)) return { state: WaiterState.SUCCESS as const, seen: p };
      if (p.readings.some((r) => r.state === 'missing')) return { state: WaiterState.FAILURE as const, seen: p };
      return { state: WaiterState.RETRY as const, seen: p };
    };
    let { state, seen } = await pollWithHeartbeat({ client: undefined, ...POLL, maxWaitTime: remaining }, judged);
    if (state === WaiterState.TIMEOUT) {
      // The waiter gives up once its next delay would pass maxWaitTime, up to maxDelay early: the
      // signals get their whole recoveryTimeout, and the last look is at the deadline.
      await pause(Math.max(0, Date.parse(input.deadline) - Date.now()));
      ({ state, seen } = await judged());
      heartbeat(seen);
      if (state === WaiterState.RETRY) state = WaiterState.TIMEOUT;
    }
    return {
      healthyAt: state === WaiterState.SUCCESS ? (seen?.at ?? null) : null,
      readings: seen?.readings ?? [],
      polls,
      missing: state === WaiterState.FAILURE,
    };
  }

  return { readRecoverySignals, awaitRecovery };
}
