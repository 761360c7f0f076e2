/**
 * An AWS behaviour the fault proxy layers over moto, each in its own module: the peering state and
 * tag lag its fault rules arm (fault-proxy-peering.ts, fault-proxy-tag-lag.ts); RDS promotion,
 * Auto Scaling / ECS capacity and the APIs moto lacks (faithful/, in every proxy); and the
 * AWS-faithful layer's behaviours (faithful/, with `faithful`). The server asks every behaviour
 * before a call goes to moto, lets each change the parameters moto gets, and lets each rewrite
 * moto's answer; a new behaviour is a new module plus one list entry.
 */
import { type AwsCall } from './call';
import { type Answer } from './http';
import { type RuleBook } from './rules';
import { type Injected } from './stats';

export interface BehaviourContext {
  /** The rules in force; a behaviour reads the kinds it owns. */
  book: RuleBook;
  /** Counts a fault, or an AWS behaviour a faithful module reproduced, in the proxy's stats. */
  inject(kind: Injected): void;
  /** The proxy's seeded random, so that a run with the same seed draws the same lags. */
  random(): number;
  /**
   * The status code a client in `region` is shown for peering `pcx` whose moto status is `code`,
   * after every behaviour had its say; '' when the client does not see the peering at all.
   */
  presentedStatus(pcx: string, region: string | undefined, code: string): string;
}

export interface ProxyBehaviour {
  /** An answer in place of moto's for this call, or undefined to let it through. */
  refuse(call: AwsCall): Answer | undefined | Promise<Answer | undefined>;
  /**
   * For an API moto lacks: the answer AWS would give, made in place of forwarding to moto. Unlike
   * `refuse`, the fault rules (throttle, error, lose-response) still apply to the call first.
   */
  serve?(call: AwsCall): Answer | undefined | Promise<Answer | undefined>;
  /** The query parameters moto gets for this call (the default: the client's own). */
  upstreamParams?(call: AwsCall, params: URLSearchParams): URLSearchParams;
  /** For JSON and REST bodies: the body moto gets for this call (the default: the client's own). */
  upstreamBody?(call: AwsCall, body: Buffer): Buffer;
  /** moto's answer as the client should see it; runs even when a rule then loses the response. */
  afterUpstream(call: AwsCall, answer: Answer): Answer | Promise<Answer>;
  /** The rules were replaced: drop whatever state the old ones armed. */
  reset(): void;
  /** This behaviour's say on a peering's shown status (see BehaviourContext.presentedStatus). */
  presentStatus?(pcx: string, region: string | undefined, code: string): string;
}
