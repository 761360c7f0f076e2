/**
 * A region, or some of its services, that does not answer at all, as in a regional outage: the
 * request arrives and nothing ever comes back. The connection is held open until the client gives
 * up (its own timeout), or, with the rule's `ms`, dropped after that long without a word. The
 * proxy's close() ends whatever is still held.
 */
import { type IncomingMessage } from 'node:http';
import { type FaultRule } from './rules';

/** What a regional outage takes down in the tests: the APIs a failover might call in that region. */
export const REGIONAL_APIS = ['ec2', 'rds', 'autoscaling', 'ecs'] as const;

/** Rules under which every call signed for `region` and one of `services` gets no answer. */
export function regionOutage(region: string, services: readonly string[] = REGIONAL_APIS, ms?: number): FaultRule[] {
  return services.map((service) => ({
    id: `outage:${region}:${service}`,
    kind: 'unreachable' as const,
    region,
    service,
    ...(ms === undefined ? {} : { ms }),
  }));
}

/** Leaves the request unanswered; with `ms`, drops the connection after that long. */
export function leaveUnanswered(req: IncomingMessage, ms?: number): void {
  if (ms !== undefined) setTimeout(() => req.socket.destroy(), ms).unref();
}
