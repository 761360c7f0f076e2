/** What the fault proxy counts: every proxied request, what reached moto, each fault injected. */
import { type FaithfulKind } from '../faithful/kinds';
import { type AwsCall, isMutating } from './call';
import { type FaultKind } from './rules';

/** What `injected` counts: the rule kinds, and the faithful behaviours that changed an answer. */
export type Injected = FaultKind | 'rds-promotion' | 'capacity' | FaithfulKind;

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

function emptyStats(): FaultStats {
  return { requests: 0, forwarded: 0, byAction: {}, injected: {}, mutatingRequests: [] };
}

export class FaultCounters {
  private counters = emptyStats();

  request(call: AwsCall): void {
    this.counters.requests++;
    this.counters.byAction[call.action] = (this.counters.byAction[call.action] ?? 0) + 1;
    if (isMutating(call)) this.counters.mutatingRequests.push(call.action);
  }

  forwarded(): void {
    this.counters.forwarded++;
  }

  inject(kind: Injected): void {
    this.counters.injected[kind] = (this.counters.injected[kind] ?? 0) + 1;
  }

  snapshot(): FaultStats {
    return structuredClone(this.counters);
  }

  reset(): void {
    this.counters = emptyStats();
  }
}
