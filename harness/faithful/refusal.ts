/**
 * The shape of the layer's check-only behaviours: AWS refuses the call before anything happens
 * (a dependency, a quota, a duplicate, a DNS rule), reading moto for what AWS would know; moto's
 * answer to a call let through is passed on as it is.
 */
import { type BehaviourContext, type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { type MotoReader } from './moto-reader';
import { AWS_QUOTAS, type Quotas } from './options';

export abstract class Refusal implements ProxyBehaviour {
  constructor(
    protected readonly ctx: BehaviourContext,
    protected readonly moto: MotoReader,
    /** The quotas in force, for the checks that count. */
    protected readonly quotas: Quotas = AWS_QUOTAS,
  ) {}

  abstract refuse(call: AwsCall): Promise<Answer | undefined>;

  afterUpstream(_call: AwsCall, answer: Answer): Answer {
    return answer;
  }

  /** Fault rules were replaced; these checks hold no state of their own. */
  reset(): void {}
}
