/**
 * The fault proxy's request pipeline: count the call, leave it unanswered when its region is down,
 * add latency, let each behaviour refuse it, apply throttle / error / lose-response rules, forward
 * to moto (with the parameters the behaviours ask for), let each behaviour rewrite the answer, then
 * send it (or drop the connection after moto did the work).
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type BehaviourContext, type ProxyBehaviour } from './behaviour';
import { type AwsCall, describeCall, isFormBody } from './call';
import { CONTROL_PREFIX, controlAnswer, type ControlRoutes, type FaultControl } from './control';
import { type Answer, forward, readBody, send, sleep, xmlAnswer } from './http';
import { CapacityBehaviour, DEFAULT_CAPACITY, type CapacityTiming } from '../faithful/capacity';
import { DEFAULT_PROMOTION, RdsPromotionBehaviour, type PromotionTiming } from '../faithful/rds-promotion';
import { PeeringBehaviour } from './peering';
import { type FaultRule, RuleBook } from './rules';
import { FaultCounters } from './stats';
import { TagLagBehaviour } from './tag-lag';
import { leaveUnanswered } from './unreachable';
import { errorXml } from './xml';
import {
  createFaithfulApis,
  faithfulBehaviours,
  type FaithfulApis,
  type FaithfulOptions,
  MotoReader,
} from '../faithful';
import { layerControlRoutes } from '../faithful/layer-control';
import { SUITE_TIMING, timingWith, type LayerTiming } from '../faithful/timing';
import { seededRandom } from '../seeded-random';

const DEFAULT_LATENCY_MS = 1000;

export interface ServerOptions {
  promotion?: Partial<PromotionTiming>;
  capacity?: Partial<CapacityTiming>;
  /** Added to every call's delay (the bench's realistic profile). */
  latency?: (call: AwsCall) => number;
  /** The AWS-faithful layer's behaviours too (harness/faithful), with these settings. */
  faithful?: FaithfulOptions;
}

export class FaultProxyServer {
  private readonly book: RuleBook;
  private readonly counters = new FaultCounters();
  private readonly behaviours: ProxyBehaviour[];
  private readonly moto: MotoReader | undefined;
  /** The APIs moto lacks, answered here; tests seed what they return. */
  readonly faithfulApis: FaithfulApis = createFaithfulApis();
  private readonly extraLatency?: (call: AwsCall) => number;

  /** RDS promotion as AWS does it; its timing may be changed while the proxy runs. */
  readonly promotion: RdsPromotionBehaviour;
  /** Auto Scaling bounds and warm-up; the warm-up may be changed while the proxy runs. */
  readonly capacity: CapacityBehaviour;
  /** The layer's RDS, Route 53 and global-cluster timing (a copy of the options'); change it in place. */
  readonly timing: LayerTiming;
  private readonly controlRoutes: ControlRoutes;

  constructor(
    private readonly target: URL,
    seed: number,
    private readonly controlEndpoint: boolean,
    options: ServerOptions = {},
  ) {
    const random = seededRandom(seed);
    this.book = new RuleBook(random);
    // The layer draws its lags from a stream of its own, so that fault rates stay as they were.
    const layerRandom = seededRandom(seed + 1);
    const ctx: BehaviourContext = {
      book: this.book,
      inject: (kind) => this.counters.inject(kind),
      random: layerRandom,
      presentedStatus: (pcx, region, code) =>
        this.behaviours.reduce(
          (shown, b) => (shown === '' ? '' : (b.presentStatus?.(pcx, region, shown) ?? shown)),
          code,
        ),
    };
    this.promotion = new RdsPromotionBehaviour(ctx, { ...DEFAULT_PROMOTION, ...options.promotion });
    this.capacity = new CapacityBehaviour(ctx, { ...DEFAULT_CAPACITY, ...options.capacity });
    const { faithful } = options;
    this.timing = timingWith(faithful?.timing ?? SUITE_TIMING);
    this.moto = faithful ? new MotoReader(target.toString().replace(/\/$/, '')) : undefined;
    this.behaviours = [
      new PeeringBehaviour(ctx),
      new TagLagBehaviour(ctx),
      this.promotion,
      this.capacity,
      ...this.faithfulApis.behaviours,
      ...(faithful && this.moto
        ? faithfulBehaviours({ ctx, moto: this.moto, options: faithful, timing: this.timing })
        : []),
    ];
    this.extraLatency = options.latency;
    this.controlRoutes = layerControlRoutes({
      timing: this.timing,
      promotion: this.promotion.timing,
      healthChecks: this.faithfulApis.healthChecks,
    });
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

  close(): void {
    this.moto?.close();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.controlEndpoint && req.url?.startsWith(CONTROL_PREFIX)) {
      send(res, controlAnswer(this.api, req.method ?? 'GET', req.url, body, this.controlRoutes));
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

    const refusal = await this.refusal(call);
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
    const upstream = (await this.served(call)) ?? (await forward(this.target, req, this.upstreamBody(req, call, body)));
    let answer = upstream;
    for (const behaviour of this.behaviours) answer = await behaviour.afterUpstream(call, answer);
    this.counters.forwarded();
    if (rule) {
      // moto did the work; the client never hears about it (the duplicate-creation trap).
      this.counters.inject('lose-response');
      req.socket.destroy();
      return;
    }
    send(res, answer);
  }

  /** The form body with the parameters the behaviours want moto to get instead. */
  private upstreamBody(req: IncomingMessage, call: AwsCall, body: Buffer): Buffer {
    if (!isFormBody(req.headers))
      return this.behaviours.reduce((b, behaviour) => behaviour.upstreamBody?.(call, b) ?? b, body);
    const params = this.behaviours.reduce((p, b) => b.upstreamParams?.(call, p) ?? p, call.params);
    return params === call.params ? body : Buffer.from(params.toString(), 'utf8');
  }

  private async refusal(call: AwsCall): Promise<Answer | undefined> {
    for (const behaviour of this.behaviours) {
      try {
        const answer = await behaviour.refuse(call);
        if (answer) return answer;
      } catch (err) {
        // A check that could not read moto lets the call through rather than invent an AWS answer.
        console.error(`fault proxy: ${behaviour.constructor.name} could not check ${call.action}: ${String(err)}`);
      }
    }
    return undefined;
  }

  private async served(call: AwsCall): Promise<Answer | undefined> {
    for (const behaviour of this.behaviours) {
      const answer = await behaviour.serve?.(call);
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
