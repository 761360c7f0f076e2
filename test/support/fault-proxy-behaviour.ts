/**
 * An AWS behaviour the fault proxy layers over moto, each in its own module (peering state; RDS
 * promotion, Auto Scaling / ECS capacity and the APIs moto lacks in faithful/). The server asks every
 * behaviour before a call goes to moto, and lets each rewrite moto's answer; a new behaviour is a new
 * module plus one entry in the server's list.
 */
import { type AwsCall } from './fault-proxy-call';
import { type Answer } from './fault-proxy-http';
import { type RuleBook } from './fault-proxy-rules';
import { type Injected } from './fault-proxy-stats';

export interface BehaviourContext {
  /** The rules in force; a behaviour reads the kinds it owns. */
  book: RuleBook;
  /** Counts a fault (or a behaviour that changed an answer) as injected in the proxy's stats. */
  inject(kind: Injected): void;
}

export interface ProxyBehaviour {
  /** An answer in place of moto's for this call, or undefined to let it through. */
  refuse(call: AwsCall): Answer | undefined;
  /**
   * For an API moto lacks: the answer AWS would give, made in place of forwarding to moto. Unlike
   * `refuse`, the fault rules (throttle, error, lose-response) still apply to the call first.
   */
  serve?(call: AwsCall): Answer | undefined;
  /** moto's answer as the client should see it; runs even when a rule then loses the response. */
  afterUpstream(call: AwsCall, answer: Answer): Answer;
  /** The rules were replaced: drop whatever state the old ones armed. */
  reset(): void;
}
