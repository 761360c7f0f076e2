/**
 * Auto Scaling and ECS capacity as AWS gives it, in front of moto. moto is kinder in three ways:
 * it accepts SetDesiredCapacity outside MinSize..MaxSize, its new instances are InService at
 * once, and an ECS service's runningCount equals its desiredCount at once. On AWS the first is a
 * ValidationError, and capacity takes minutes to come (or go). This refuses the first, and for
 * `instanceWarmupMs` / `taskWarmupMs` after a capacity change shows new instances `Pending` and a
 * service's tasks not yet running (or, scaling in, still running).
 *
 * Only what crosses the proxy is known: a group's bounds come from its last DescribeAutoScalingGroups
 * answer, and the warm-up starts at the SetDesiredCapacity / UpdateAutoScalingGroup / UpdateService
 * that went through it.
 */
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer, xmlAnswer } from '../fault-proxy/http';
import { errorXml, topLevelElements } from '../fault-proxy/xml';

export interface CapacityTiming {
  /** How long an instance a capacity change launched stays Pending. @default 0: InService at once, as moto */
  instanceWarmupMs: number;
  /** How long after UpdateService the tasks keep their old running count. @default 0, as moto */
  taskWarmupMs: number;
}

export const DEFAULT_CAPACITY: CapacityTiming = { instanceWarmupMs: 0, taskWarmupMs: 0 };

const tagValue = (block: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(block)?.[1];
const shortName = (nameOrArn: string) => nameOrArn.split('/').pop() ?? nameOrArn;

/** Rewrites each top-level `<element>` inside the first `<container>…</container>` of `xml`. */
function mapWithin(xml: string, container: string, element: string, fn: (block: string) => string): string {
  const open = xml.indexOf(`<${container}>`);
  const close = xml.indexOf(`</${container}>`, open);
  if (open < 0 || close < 0) return xml;
  let out = xml;
  for (const [s, e] of topLevelElements(xml, element, open + container.length + 2, close).reverse()) {
    out = out.slice(0, s) + fn(out.slice(s, e)) + out.slice(e);
  }
  return out;
}

interface Group {
  min: number;
  max: number;
  changedAt?: number;
}

interface Service {
  lastRunning: number;
  change?: { at: number; fromRunning: number };
}

export class CapacityBehaviour implements ProxyBehaviour {
  private readonly groups = new Map<string, Group>();
  private readonly firstSeen = new Map<string, number>();
  private readonly services = new Map<string, Service>();

  constructor(
    private readonly ctx: BehaviourContext,
    /** Read on every call, so a test may change it. */
    public timing: CapacityTiming = { ...DEFAULT_CAPACITY },
  ) {}

  /** Capacity is AWS state, not something a rule armed. */
  reset(): void {}

  refuse(call: AwsCall): Answer | undefined {
    if (call.service !== 'autoscaling' || call.action !== 'SetDesiredCapacity') return undefined;
    const name = call.params.get('AutoScalingGroupName') ?? '';
    const desired = Number(call.params.get('DesiredCapacity'));
    const group = this.groups.get(`${call.region}|${name}`);
    if (!group || Number.isNaN(desired)) return undefined;
    const bound =
      desired > group.max ? `above max value ${group.max}` : desired < group.min ? `below min value ${group.min}` : '';
    if (!bound) return undefined;
    this.ctx.inject('capacity');
    const message = `New SetDesiredCapacity value ${desired} is ${bound} for the AutoScalingGroup.`;
    return xmlAnswer(400, errorXml('autoscaling', 400, 'ValidationError', message));
  }

  afterUpstream(call: AwsCall, answer: Answer): Answer {
    if (answer.status !== 200) return answer;
    if (call.service === 'autoscaling') return this.autoScaling(call, answer);
    if (call.service === 'ecs') return this.ecs(call, answer);
    return answer;
  }

  private autoScaling(call: AwsCall, answer: Answer): Answer {
    if (call.action === 'SetDesiredCapacity' || call.action === 'UpdateAutoScalingGroup') {
      const group = this.groups.get(`${call.region}|${call.params.get('AutoScalingGroupName') ?? ''}`);
      if (group) group.changedAt = Date.now();
      return answer;
    }
    if (call.action !== 'DescribeAutoScalingGroups') return answer;
    const xml = answer.body.toString('utf8');
    const now = Date.now();
    const rewritten = mapWithin(xml, 'AutoScalingGroups', 'member', (block) => {
      const key = `${call.region}|${tagValue(block, 'AutoScalingGroupName') ?? ''}`;
      const group: Group = {
        ...this.groups.get(key),
        min: Number(tagValue(block, 'MinSize')),
        max: Number(tagValue(block, 'MaxSize')),
      };
      this.groups.set(key, group);
      return mapWithin(block, 'Instances', 'member', (instance) => {
        const id = tagValue(instance, 'InstanceId') ?? '';
        if (!this.firstSeen.has(id)) this.firstSeen.set(id, now);
        const seen = this.firstSeen.get(id)!;
        const launched = group.changedAt !== undefined && seen >= group.changedAt;
        if (!launched || now - seen >= this.timing.instanceWarmupMs) return instance;
        this.ctx.inject('capacity');
        return instance.replace(
          /<LifecycleState>InService<\/LifecycleState>/,
          '<LifecycleState>Pending</LifecycleState>',
        );
      });
    });
    return rewritten === xml ? answer : { ...answer, body: Buffer.from(rewritten, 'utf8') };
  }

  private ecs(call: AwsCall, answer: Answer): Answer {
    const body = JSON.parse(answer.body.toString('utf8')) as {
      service?: EcsService;
      services?: EcsService[];
    };
    if (call.action === 'UpdateService' && body.service) {
      const s = this.service(call.region, body.service);
      s.change = { at: Date.now(), fromRunning: s.lastRunning };
      return answer;
    }
    if (call.action !== 'DescribeServices' || !body.services) return answer;
    let changed = false;
    for (const svc of body.services) {
      const s = this.service(call.region, svc);
      const warming = s.change && Date.now() - s.change.at < this.timing.taskWarmupMs;
      if (warming && s.change && svc.runningCount !== s.change.fromRunning) {
        this.ctx.inject('capacity');
        svc.runningCount = s.change.fromRunning;
        svc.pendingCount = Math.max(0, (svc.desiredCount ?? 0) - s.change.fromRunning);
        changed = true;
      } else if (!warming) {
        s.lastRunning = svc.runningCount ?? 0;
        delete s.change;
      }
    }
    return changed ? { ...answer, body: Buffer.from(JSON.stringify(body), 'utf8') } : answer;
  }

  private service(region: string | undefined, svc: EcsService): Service {
    const key = `${region}|${shortName(svc.clusterArn ?? '')}|${svc.serviceName ?? ''}`;
    let s = this.services.get(key);
    if (!s) {
      s = { lastRunning: svc.runningCount ?? 0 };
      this.services.set(key, s);
    }
    return s;
  }
}

interface EcsService {
  serviceName?: string;
  clusterArn?: string;
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
}
