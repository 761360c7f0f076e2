// A fault-injecting HTTP proxy in front of moto's server. moto answers every call at once and
// never fails, so this reproduces the AWS behaviours the orchestrator must survive: throttling,
// 5xx, lost responses, latency, and the VPC peering eventual-consistency / state quirks.
//
// Plain node:http rather than a proxy library: every request body is read to find the Action and
// pcx ids, and every response is buffered to be inspected, rewritten or thrown away, so the
// streaming pipe a proxy library provides would go unused. (http-proxy is unmaintained since
// 2020; http-proxy-3 2.x needs Node >= 22 and these machines run Node 20.)
import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo } from 'node:net';
import { errorXml, mapPeerings, peeringIdsIn, peeringStatusOf, withPeeringStatus } from './fault-proxy-xml';

export type FaultKind =
  'throttle' | 'error' | 'lose-response' | 'latency' | 'peering-not-found' | 'peering-provisioning' | 'peering-failed';

export interface FaultRule {
  id?: string;
  /** 'ec2' | 'route53' | 'rds' | 'sts' ..., from the SigV4 credential scope. */
  service?: string;
  /**
   * Query `Action` (EC2, RDS, STS); for REST services such as Route 53, `"<METHOD> <path>"`.
   * Peering kinds match the call that arms them: CreateVpcPeeringConnection by default,
   * AcceptVpcPeeringConnection for 'peering-provisioning' (or 'peering-failed' set to fail on accept).
   */
  action?: string | RegExp;
  /** For peering kinds, the region of the create / accept call. */
  region?: string;
  kind: FaultKind;
  /** Probability 0..1 that a matching request is hit (default 1); peering kinds: per peering. */
  rate?: number;
  /** Hit at most this many times, then the rule is spent. */
  count?: number;
  /** For 'error' (default 500 InternalError). */
  status?: number;
  code?: string;
  message?: string;
  /** For 'latency' (default 1000). */
  ms?: number;
  /** For 'peering-not-found' / 'peering-provisioning' windows (default 5). */
  seconds?: number;
}

export interface FaultStats {
  /** Every proxied request (control calls excluded). */
  requests: number;
  /** Requests that reached moto. */
  forwarded: number;
  byAction: Record<string, number>;
  injected: Record<string, number>;
  /** EC2 actions other than Describe*, Get*, List*, in arrival order. */
  mutatingRequests: string[];
}

export interface FaultProxy {
  url: string;
  port: number;
  /** Replaces the rules and drops the peering windows the old ones armed. */
  setRules(rules: FaultRule[]): void;
  addRule(r: FaultRule): void;
  /** Same as setRules([]). */
  clearRules(): void;
  rules(): FaultRule[];
  stats(): FaultStats;
  resetStats(): void;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** moto's base URL, e.g. http://127.0.0.1:5000. */
  target: string;
  port?: number;
  host?: string;
  seed?: number;
  /** Serve `/__faults/rules` and `/__faults/stats` for a harness in another process. */
  controlEndpoint?: boolean;
}

const CREATE_PCX = 'CreateVpcPeeringConnection';
const ACCEPT_PCX = 'AcceptVpcPeeringConnection';
const DESCRIBE_PCX = 'DescribeVpcPeeringConnections';
const DEFAULT_WINDOW_SECONDS = 5;
const DEFAULT_LATENCY_MS = 1000;
// The wording AWS shows for a peering that fails on overlapping CIDRs.
const FAILED_MESSAGE = 'Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range';
const KINDS: readonly FaultKind[] = [
  'throttle',
  'error',
  'lose-response',
  'latency',
  'peering-not-found',
  'peering-provisioning',
  'peering-failed',
];

// ---------------------------------------------------------------------------------------------
// What a request is

interface AwsCall {
  service?: string;
  region?: string;
  action: string;
  pcxIds: string[];
}

const SCOPE = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function actionOf(method: string, url: URL, headers: IncomingHttpHeaders, text: string): string {
  const target = header(headers, 'x-amz-target');
  if (target) return target.split('.').pop() ?? target;
  const form = header(headers, 'content-type').includes('x-www-form-urlencoded');
  const query = form ? new URLSearchParams(text).get('Action') : url.searchParams.get('Action');
  return query ?? `${method} ${url.pathname}`;
}

function describeCall(req: IncomingMessage, body: Buffer): AwsCall {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const text = body.toString('utf8');
  const scope = SCOPE.exec(header(req.headers, 'authorization'));
  const pcxIds = new Set(`${url.search} ${text}`.match(/pcx-[0-9a-z]+/g) ?? []);
  return {
    region: scope?.[1],
    service: scope?.[2],
    action: actionOf(req.method ?? 'GET', url, req.headers, text),
    pcxIds: [...pcxIds],
  };
}

function isMutating(call: AwsCall): boolean {
  return call.service === 'ec2' && !/^(Describe|Get|List)/.test(call.action);
}

// ---------------------------------------------------------------------------------------------
// Rules

/** mulberry32: tiny, seedable, good enough to make rate-based tests reproducible. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function actionMatches(pattern: string | RegExp, action: string): boolean {
  if (typeof pattern === 'string') return pattern === action;
  pattern.lastIndex = 0;
  return pattern.test(action);
}

function matches(rule: FaultRule, call: AwsCall, defaultAction?: string): boolean {
  if (rule.service !== undefined && rule.service !== call.service) return false;
  if (rule.region !== undefined && rule.region !== call.region) return false;
  const action = rule.action ?? defaultAction;
  return action === undefined || actionMatches(action, call.action);
}

class RuleBook {
  private entries: { rule: FaultRule; hits: number }[] = [];

  constructor(private readonly random: () => number) {}

  set(rules: FaultRule[]): void {
    this.entries = rules.map((rule) => ({ rule, hits: 0 }));
  }

  add(rule: FaultRule): void {
    this.entries.push({ rule, hits: 0 });
  }

  list(): FaultRule[] {
    return this.entries.map((e) => e.rule);
  }

  /** The first rule of these kinds that matches and fires now; firing spends rate and count. */
  first(call: AwsCall, kinds: readonly FaultKind[], defaultAction?: string): FaultRule | undefined {
    return this.entries.find((e) => kinds.includes(e.rule.kind) && matches(e.rule, call, defaultAction) && this.fire(e))
      ?.rule;
  }

  all(call: AwsCall, kind: FaultKind): FaultRule[] {
    return this.entries.filter((e) => e.rule.kind === kind && matches(e.rule, call) && this.fire(e)).map((e) => e.rule);
  }

  private fire(entry: { rule: FaultRule; hits: number }): boolean {
    const { count, rate = 1 } = entry.rule;
    if (count !== undefined && entry.hits >= count) return false;
    if (rate < 1 && this.random() >= rate) return false;
    entry.hits++;
    return true;
  }
}

/** Accepts rules from JSON: `action` strings of the form "/re/flags" become RegExps. */
export function parseRules(input: unknown): FaultRule[] {
  const list: unknown = Array.isArray(input) ? input : (input as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list)) throw new Error('expected an array of fault rules (or { rules: [...] })');
  return list.map((raw: unknown, i) => {
    const rule = raw as FaultRule | null;
    if (rule === null || typeof rule !== 'object' || !KINDS.includes(rule.kind)) {
      throw new Error(`rule ${i}: kind must be one of ${KINDS.join(', ')}`);
    }
    const re = typeof rule.action === 'string' ? /^\/(.*)\/([a-z]*)$/.exec(rule.action) : null;
    return re ? { ...rule, action: new RegExp(re[1] ?? '', re[2]) } : { ...rule };
  });
}

function ruleToJson(rule: FaultRule): Record<string, unknown> {
  return rule.action instanceof RegExp ? { ...rule, action: String(rule.action) } : { ...rule };
}

// ---------------------------------------------------------------------------------------------
// Peering state the proxy adds on top of moto

class PeeringFaults {
  private hidden = new Map<string, { creatorRegion: string | undefined; until: number }>();
  private provisioning = new Map<string, number>();
  private failed = new Set<string>();

  hide(pcx: string, creatorRegion: string | undefined, seconds = DEFAULT_WINDOW_SECONDS): void {
    this.hidden.set(pcx, { creatorRegion, until: Date.now() + seconds * 1000 });
  }

  provision(pcx: string, seconds = DEFAULT_WINDOW_SECONDS): void {
    this.provisioning.set(pcx, Date.now() + seconds * 1000);
  }

  fail(pcx: string): void {
    this.failed.add(pcx);
  }

  clear(): void {
    this.hidden.clear();
    this.provisioning.clear();
    this.failed.clear();
  }

  /** Not yet propagated to `region`: AWS only knows it in the region that created it. */
  isHiddenFrom(pcx: string, region: string | undefined): boolean {
    const entry = this.hidden.get(pcx);
    return entry !== undefined && Date.now() < entry.until && entry.creatorRegion !== region;
  }

  isProvisioning(pcx: string): boolean {
    return Date.now() < (this.provisioning.get(pcx) ?? 0);
  }

  isFailed(pcx: string): boolean {
    return this.failed.has(pcx);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing

interface Answer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
]);

function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<Answer> {
  const headers = { ...endToEndHeaders(req.headers), host: target.host, 'content-length': body.length };
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (res) => {
        readBody(res).then(
          (b) => resolve({ status: res.statusCode ?? 502, headers: endToEndHeaders(res.headers), body: b }),
          reject,
        );
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.destroyed) return;
  res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
  res.end(answer.body);
}

function xmlAnswer(status: number, xml: string): Answer {
  return { status, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body: Buffer.from(xml, 'utf8') };
}

function jsonAnswer(status: number, value: unknown): Answer {
  return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value), 'utf8') };
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();
}

// ---------------------------------------------------------------------------------------------
// The proxy

function emptyStats(): FaultStats {
  return { requests: 0, forwarded: 0, byAction: {}, injected: {}, mutatingRequests: [] };
}

class FaultProxyServer {
  private readonly book: RuleBook;
  private readonly peerings = new PeeringFaults();
  private counters = emptyStats();

  constructor(
    private readonly target: URL,
    seed: number,
    private readonly controlEndpoint: boolean,
  ) {
    this.book = new RuleBook(seededRandom(seed));
  }

  readonly api = {
    setRules: (rules: FaultRule[]): void => {
      this.book.set(rules);
      this.peerings.clear();
    },
    addRule: (rule: FaultRule): void => this.book.add(rule),
    clearRules: (): void => this.api.setRules([]),
    rules: (): FaultRule[] => this.book.list(),
    stats: (): FaultStats => structuredClone(this.counters),
    resetStats: (): void => {
      this.counters = emptyStats();
    },
  };

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.controlEndpoint && req.url?.startsWith('/__faults/')) {
      send(res, this.control(req.method ?? 'GET', req.url, body));
      return;
    }
    const call = describeCall(req, body);
    this.count(call);
    await sleep(this.latencyFor(call));

    const peeringRefusal = call.service === 'ec2' ? this.peeringRefusal(call) : undefined;
    if (peeringRefusal) {
      send(res, peeringRefusal);
      return;
    }
    const rule = this.book.first(call, ['throttle', 'error', 'lose-response']);
    if (rule && rule.kind !== 'lose-response') {
      this.inject(rule.kind);
      send(res, rule.kind === 'throttle' ? this.throttle(call) : this.error(call, rule));
      return;
    }
    const answer = this.afterUpstream(call, await forward(this.target, req, body));
    this.counters.forwarded++;
    if (rule) {
      // moto did the work; the client never hears about it (the duplicate-creation trap).
      this.inject('lose-response');
      req.socket.destroy();
      return;
    }
    send(res, answer);
  }

  private count(call: AwsCall): void {
    this.counters.requests++;
    this.counters.byAction[call.action] = (this.counters.byAction[call.action] ?? 0) + 1;
    if (isMutating(call)) this.counters.mutatingRequests.push(call.action);
  }

  private inject(kind: FaultKind): void {
    this.counters.injected[kind] = (this.counters.injected[kind] ?? 0) + 1;
  }

  private latencyFor(call: AwsCall): number {
    const rules = this.book.all(call, 'latency');
    rules.forEach(() => this.inject('latency'));
    return rules.reduce((sum, r) => sum + (r.ms ?? DEFAULT_LATENCY_MS), 0);
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

  private peeringRefusal(call: AwsCall): Answer | undefined {
    const hidden = call.pcxIds.find((id) => this.peerings.isHiddenFrom(id, call.region));
    if (hidden !== undefined) {
      this.inject('peering-not-found');
      const message = `The vpcPeeringConnection ID '${hidden}' does not exist`;
      return xmlAnswer(400, errorXml('ec2', 400, 'InvalidVpcPeeringConnectionID.NotFound', message));
    }
    const failed = call.action === ACCEPT_PCX ? call.pcxIds.find((id) => this.peerings.isFailed(id)) : undefined;
    if (failed !== undefined) {
      this.inject('peering-failed');
      const message = `The VpcPeeringConnection ${failed} is in state failed and cannot be accepted.`;
      return xmlAnswer(400, errorXml('ec2', 400, 'InvalidStateTransition', message));
    }
    return undefined;
  }

  private afterUpstream(call: AwsCall, answer: Answer): Answer {
    if (call.service !== 'ec2' || answer.status !== 200) return answer;
    const xml = answer.body.toString('utf8');
    if (call.action === CREATE_PCX || call.action === ACCEPT_PCX) this.arm(call, peeringIdsIn(xml));
    if (call.action !== DESCRIBE_PCX && call.action !== ACCEPT_PCX) return answer;
    const rewritten = this.rewritePeerings(call, xml);
    return rewritten === xml ? answer : { ...answer, body: Buffer.from(rewritten, 'utf8') };
  }

  /** A successful create / accept starts the peering fault windows its rules ask for. */
  private arm(call: AwsCall, pcxIds: string[]): void {
    for (const pcx of pcxIds) {
      if (call.action === CREATE_PCX) {
        const notFound = this.book.first(call, ['peering-not-found'], CREATE_PCX);
        if (notFound) this.peerings.hide(pcx, call.region, notFound.seconds);
      }
      if (call.action === ACCEPT_PCX) {
        const provisioning = this.book.first(call, ['peering-provisioning'], ACCEPT_PCX);
        if (provisioning) this.peerings.provision(pcx, provisioning.seconds);
      }
      if (this.book.first(call, ['peering-failed'], CREATE_PCX)) this.peerings.fail(pcx);
    }
  }

  private rewritePeerings(call: AwsCall, xml: string): string {
    return mapPeerings(xml, (block, pcx) => {
      if (this.peerings.isHiddenFrom(pcx, call.region)) {
        this.inject('peering-not-found');
        return null;
      }
      if (this.peerings.isFailed(pcx)) {
        this.inject('peering-failed');
        return withPeeringStatus(block, 'failed', FAILED_MESSAGE);
      }
      if (this.peerings.isProvisioning(pcx) && peeringStatusOf(block) === 'active') {
        this.inject('peering-provisioning');
        return withPeeringStatus(block, 'provisioning', 'Provisioning');
      }
      return block;
    });
  }

  private control(method: string, url: string, body: Buffer): Answer {
    const path = url.split('?')[0];
    try {
      if (path === '/__faults/stats' && method === 'GET') return jsonAnswer(200, this.api.stats());
      if (path === '/__faults/stats' && method === 'DELETE') return this.done(() => this.api.resetStats());
      if (path === '/__faults/rules' && method === 'GET') return jsonAnswer(200, this.api.rules().map(ruleToJson));
      if (path === '/__faults/rules' && method === 'POST') {
        const rules = parseRules(JSON.parse(body.toString('utf8')));
        return this.done(() => this.api.setRules(rules));
      }
      if (path === '/__faults/rules' && method === 'DELETE') return this.done(() => this.api.clearRules());
      return jsonAnswer(404, { error: `no control route ${method} ${path}` });
    } catch (err) {
      return jsonAnswer(400, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private done(action: () => void): Answer {
    action();
    return jsonAnswer(200, { ok: true, rules: this.api.rules().length });
  }
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const proxy = new FaultProxyServer(new URL(opts.target), opts.seed ?? 1, opts.controlEndpoint ?? false);
  const server = http.createServer((req, res) => {
    proxy.handle(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy: upstream failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    ...proxy.api,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
