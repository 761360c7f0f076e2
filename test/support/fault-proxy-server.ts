/**
 * The fault proxy's request pipeline: count the call, leave it unanswered when its region is down,
 * add latency, let each behaviour refuse it,
 * apply throttle / error / lose-response rules, forward to moto, let each behaviour rewrite the
 * answer, then send it (or drop the connection after moto did the work).
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type ProxyBehaviour } from './fault-proxy-behaviour';
import { type AwsCall, describeCall } from './fault-proxy-call';
import { CONTROL_PREFIX, controlAnswer, type FaultControl } from './fault-proxy-control';
import { type Answer, forward, readBody, send, sleep, xmlAnswer } from './fault-proxy-http';
import { CapacityBehaviour, DEFAULT_CAPACITY, type CapacityTiming } from './faithful/capacity';
import { DEFAULT_PROMOTION, RdsPromotionBehaviour, type PromotionTiming } from './faithful/rds-promotion';
import { PeeringBehaviour } from './fault-proxy-peering';
import { type FaultRule, RuleBook } from './fault-proxy-rules';
import { createFaithfulApis, type FaithfulApis } from './faithful';
import { FaultCounters } from './fault-proxy-stats';
import { TagLagBehaviour } from './fault-proxy-tag-lag';
import { leaveUnanswered } from './fault-proxy-unreachable';
import { errorXml } from './fault-proxy-xml';
import { seededRandom } from './seeded-random';

const DEFAULT_LATENCY_MS = 1000;

export class FaultProxyServer {
  private readonly book: RuleBook;
  private readonly counters = new FaultCounters();
  private readonly behaviours: ProxyBehaviour[];
  /** The APIs moto lacks, answered here; tests seed what they return. */
  readonly faithfulApis: FaithfulApis = createFaithfulApis();
  private readonly extraLatency?: (call: AwsCall) => number;

  /** RDS promotion as AWS does it; its timing may be changed while the proxy runs. */
  readonly promotion: RdsPromotionBehaviour;
  /** Auto Scaling bounds and warm-up; the warm-up may be changed while the proxy runs. */
  readonly capacity: CapacityBehaviour;

  constructor(
    private readonly target: URL,
    seed: number,
    private readonly controlEndpoint: boolean,
    faithful: {
      promotion?: Partial<PromotionTiming>;
      capacity?: Partial<CapacityTiming>;
      /** Added to every call's delay (the bench's realistic profile). */
      latency?: (call: AwsCall) => number;
    } = {},
  ) {
    this.book = new RuleBook(seededRandom(seed));
    const ctx = { book: this.book, inject: this.counters.inject.bind(this.counters) };
    this.promotion = new RdsPromotionBehaviour(ctx, { ...DEFAULT_PROMOTION, ...faithful.promotion });
    this.capacity = new CapacityBehaviour(ctx, { ...DEFAULT_CAPACITY, ...faithful.capacity });
    this.behaviours = [
      new PeeringBehaviour(ctx),
      new TagLagBehaviour(ctx),
      this.promotion,
      this.capacity,
      ...this.faithfulApis.behaviours,
    ];
    this.extraLatency = faithful.latency;
  }

  readonly api: FaultControl = {
    setRules: (rules: FaultRule[]): void => {
      this.book.set(rules);
      this.behaviours.forEach((b) => b.reset());
    },
    addRule: (rule: FaultRule): void => this.book.add(rule),
    clearRules: (): void => this.api.setRules([]),
    rules: (): FaultRule[] => this.book.list(),
    stats: () => this.counters.snapshot(),
    resetStats: (): void => this.counters.reset(),
  };

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.controlEndpoint && req.url?.startsWith(CONTROL_PREFIX)) {
      send(res, controlAnswer(this.api, req.method ?? 'GET', req.url, body));
      return;
    }
    const call = describeCall(req, body);
    this.counters.request(call);
    const outage = this.book.first(call, ['unreachable']);
    if (outage) {
      this.counters.inject('unreachable');
      leaveUnanswered(req, outage.ms);
      return;
    }
    await sleep(this.latencyFor(call));

    const refusal = this.refusal(call);
    if (refusal) {
      send(res, refusal);
      return;
    }
    const rule = this.book.first(call, ['throttle', 'error', 'lose-response']);
    if (rule && rule.kind !== 'lose-response') {
      this.counters.inject(rule.kind);
      send(res, rule.kind === 'throttle' ? this.throttle(call) : this.error(call, rule));
      return;
    }
    const upstream = this.served(call) ?? (await forward(this.target, req, body));
    const answer = this.behaviours.reduce((a, b) => b.afterUpstream(call, a), upstream);
    this.counters.forwarded();
    if (rule) {
      // moto did the work; the client never hears about it (the duplicate-creation trap).
      this.counters.inject('lose-response');
      req.socket.destroy();
      return;
    }
    send(res, answer);
  }

  private refusal(call: AwsCall): Answer | undefined {
    for (const behaviour of this.behaviours) {
      const answer = behaviour.refuse(call);
      if (answer) return answer;
    }
    return undefined;
  }

  private served(call: AwsCall): Answer | undefined {
    for (const behaviour of this.behaviours) {
      const answer = behaviour.serve?.(call);
      if (answer) return answer;
    }
    return undefined;
  }

  private latencyFor(call: AwsCall): number {
    const rules = this.book.all(call, 'latency');
    rules.forEach(() => this.counters.inject('latency'));
    return rules.reduce((sum, r) => sum + (r.ms ?? DEFAULT_LATENCY_MS), this.extraLatency?.(call) ?? 0);
  }

  private throttle(call: AwsCall): Answer {
    return call.service === undefined || call.service === 'ec2'
      ? xmlAnswer(503, errorXml('ec2', 503, 'RequestLimitExceeded', 'Request limit exceeded.'))
      : xmlAnswer(400, errorXml(call.service, 400, 'Throttling', 'Rate exceeded'));
  }

  private error(call: AwsCall, rule: FaultRule): Answer {
    const status = rule.status ?? 500;
    const code = rule.code ?? 'InternalError';
    const message = rule.message ?? 'An internal error has occurred.';
    return xmlAnswer(status, errorXml(call.service, status, code, message));
  }
}
