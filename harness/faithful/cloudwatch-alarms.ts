/**
 * A new CloudWatch metric alarm starts in INSUFFICIENT_DATA, as AWS evaluates it (moto starts it OK),
 * until SetAlarmState sets a state; DescribeAlarms shows that, and its StateValue filter matches the
 * state shown (applied together with names and prefixes, as AWS does; moto applies it only alone).
 * Neither moto nor the layer evaluates alarms from metric data: a test or the stack's user moves an
 * alarm with SetAlarmState. Served for the SDK's JSON protocol (x-amz-json-1.0), which is what
 * @aws-sdk/client-cloudwatch 3.1164.0 speaks to moto.
 * Sources: CloudWatch user guide, "Alarm states" ("INSUFFICIENT_DATA – The alarm has just started,
 * the metric is not available, or not enough data is available for the metric to determine the
 * alarm state"); PutMetricAlarm API reference ("When this operation creates an alarm, the alarm
 * state is immediately set to INSUFFICIENT_DATA. The alarm is then evaluated and its state is set
 * appropriately"); DescribeAlarms ("StateValue: Specify this parameter to receive information only
 * about alarms that are currently in the state that you specify").
 */
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { jsonBody } from './json-protocol';

/** moto's reason for an alarm no one has set a state on: the alarm AWS would still be evaluating. */
const UNCHECKED = 'Unchecked: Initial alarm creation';
const DESCRIBES = new Set(['DescribeAlarms', 'DescribeAlarmsForMetric']);

interface MetricAlarm {
  StateValue?: string;
  StateReason?: string;
}

const isJson = (call: AwsCall) => call.service === 'monitoring' && !call.params.has('Action');

export class AlarmStates implements ProxyBehaviour {
  constructor(private readonly ctx: BehaviourContext) {}

  refuse(): undefined {
    return undefined;
  }

  /** moto gets DescribeAlarms without StateValue; the filter is applied to the states shown. */
  upstreamBody(call: AwsCall, body: Buffer): Buffer {
    if (!isJson(call) || call.action !== 'DescribeAlarms') return body;
    const request = jsonBody(call);
    if (request.StateValue === undefined) return body;
    delete request.StateValue;
    return Buffer.from(JSON.stringify(request), 'utf8');
  }

  afterUpstream(call: AwsCall, answer: Answer): Answer {
    if (!isJson(call) || !DESCRIBES.has(call.action) || answer.status !== 200) return answer;
    let out: { MetricAlarms?: MetricAlarm[] };
    try {
      out = JSON.parse(answer.body.toString('utf8')) as typeof out;
    } catch {
      return answer;
    }
    const wanted = jsonBody(call).StateValue;
    let changed = wanted !== undefined;
    for (const alarm of out.MetricAlarms ?? []) {
      if (alarm.StateValue === 'OK' && alarm.StateReason === UNCHECKED) {
        alarm.StateValue = 'INSUFFICIENT_DATA';
        this.ctx.inject('alarm-state');
        changed = true;
      }
    }
    if (typeof wanted === 'string' && out.MetricAlarms)
      out.MetricAlarms = out.MetricAlarms.filter((a) => a.StateValue === wanted);
    return changed ? { ...answer, body: Buffer.from(JSON.stringify(out), 'utf8') } : answer;
  }

  /** Alarm states are AWS state, not something a fault rule armed. */
  reset(): void {}
}
