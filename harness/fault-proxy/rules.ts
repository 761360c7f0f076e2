/** The fault rules: their shape, which call a rule matches, when it fires, and their JSON form. */
import { type AwsCall } from './call';

export type FaultKind =
  | 'throttle'
  | 'error'
  | 'lose-response'
  | 'latency'
  | 'unreachable'
  | 'peering-not-found'
  | 'peering-provisioning'
  | 'peering-failed'
  | 'peering-purged'
  | 'tag-lag';

export interface FaultRule {
  id?: string;
  /** 'ec2' | 'route53' | 'rds' | 'sts' ..., from the SigV4 credential scope. */
  service?: string;
  /**
   * Query `Action` (EC2, RDS, STS); for REST services such as Route 53, `"<METHOD> <path>"`.
   * Peering kinds match the call that arms them: CreateVpcPeeringConnection by default,
   * AcceptVpcPeeringConnection for 'peering-provisioning' (or 'peering-failed' set to fail on accept).
   * 'tag-lag' matches the create that arms it (CreateVpc, CreateVpcPeeringConnection or CreateSecurityGroup,
   * default all);
   * 'peering-purged' the Describe it rewrites.
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
  /** For 'latency' (default 1000); for 'unreachable', drop the connection after this long (default: hold it). */
  ms?: number;
  /** For 'peering-not-found' / 'peering-provisioning' / 'tag-lag' windows (default 5). */
  seconds?: number;
}

const KINDS: readonly FaultKind[] = [
  'throttle',
  'error',
  'lose-response',
  'latency',
  'unreachable',
  'peering-not-found',
  'peering-provisioning',
  'peering-failed',
  'peering-purged',
  'tag-lag',
];

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

export class RuleBook {
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

  /** Whether a rule of `kind` matches `call` at all, without firing it (an outage still in force). */
  holds(call: AwsCall, kind: FaultKind): boolean {
    return this.entries.some((e) => e.rule.kind === kind && matches(e.rule, call));
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

export function ruleToJson(rule: FaultRule): Record<string, unknown> {
  return rule.action instanceof RegExp ? { ...rule, action: String(rule.action) } : { ...rule };
}
