/**
 * The shape every AWS-faithful API shares: it answers its own calls (`serve`) and leaves every
 * other call, and moto's answers, alone. Its seeds are the test's, not the fault rules', so
 * `reset()` (the rules were replaced) keeps them; `clear()` forgets them.
 */
import { type ProxyBehaviour } from '../fault-proxy/behaviour';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';

export abstract class FaithfulApi implements ProxyBehaviour {
  abstract serve(call: AwsCall): Answer | undefined;

  /** Forgets the seeds and the requests seen. */
  abstract clear(): void;

  refuse(): Answer | undefined {
    return undefined;
  }

  afterUpstream(_call: AwsCall, answer: Answer): Answer {
    return answer;
  }

  reset(): void {}
}
