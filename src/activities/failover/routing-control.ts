import {
  GetRoutingControlStateCommand,
  UpdateRoutingControlStateCommand,
  UpdateRoutingControlStatesCommand,
  type Route53RecoveryClusterClient,
} from '@aws-sdk/client-route53-recovery-cluster';
import type { ClusterEndpoint, RoutingControlChange } from '../../domain/failover/types';
import type { RoutingControlRead } from '../../domain/failover/reads';
import type { AwsClients } from '../aws/clients';
import { activityInfo } from '../activity-context';
import { isEndpointDown, retryable } from '../aws/errors';
import { FailureTypes } from '../../domain/failure-types';
import { type RoutingControlState, type EndpointMiss } from '../../domain/failover/types';

export interface ClusterInput {
  clusterEndpoints: ClusterEndpoint[];
  /** Tried first, e.g. the endpoint that answered the preflight. @default the first one */
  preferEndpoint?: string;
}

export interface ReadRoutingControlsInput extends ClusterInput {
  routingControlArns: string[];
}

export interface SetRoutingControlInput extends ClusterInput {
  routingControlArn: string;
  state: RoutingControlState;
}

export interface SetRoutingControlsInput extends ClusterInput {
  /** Set together, in one UpdateRoutingControlStates call. */
  entries: Array<{ routingControlArn: string; state: RoutingControlState }>;
}

function inTurn(input: ClusterInput): ClusterEndpoint[] {
  const preferred = input.clusterEndpoints.filter((e) => e.endpoint === input.preferEndpoint);
  return [...preferred, ...input.clusterEndpoints.filter((e) => e.endpoint !== input.preferEndpoint)];
}

/**
 * Route 53 ARC's data plane. Each call goes to one regional cluster endpoint, with a short bound;
 * an endpoint that does not answer, or answers "try another endpoint", is skipped for the next one,
 * as AWS advises. Nothing here needs the Route 53 control plane in us-east-1.
 */
export function createRoutingControlActivities(clients: AwsClients) {
  async function onFirstAnswering<T>(
    input: ClusterInput,
    call: (client: Route53RecoveryClusterClient) => Promise<T>,
  ): Promise<{ value: T; endpoint: ClusterEndpoint; skipped: EndpointMiss[] } | { skipped: EndpointMiss[] }> {
    const skipped: EndpointMiss[] = [];
    for (const endpoint of inTurn(input)) {
      const started = Date.now();
      try {
        return { value: await call(clients.routingControl(endpoint)), endpoint, skipped };
      } catch (err) {
        if (!isEndpointDown(err)) throw err;
        const e = err as Error;
        skipped.push({ ...endpoint, error: `${e.name}: ${e.message}`, waitedMs: Date.now() - started });
      }
    }
    return { skipped };
  }

  /** Read-only: the state of each routing control, from the first endpoint that answers. */
  async function readRoutingControls(input: ReadRoutingControlsInput): Promise<RoutingControlRead> {
    const out = await onFirstAnswering(input, (client) =>
      Promise.all(
        input.routingControlArns.map(async (arn) => {
          const r = await client.send(new GetRoutingControlStateCommand({ RoutingControlArn: arn }));
          return {
            arn,
            state: r.RoutingControlState as RoutingControlState,
            ...(r.RoutingControlName ? { name: r.RoutingControlName } : {}),
          };
        }),
      ),
    );
    if (!('value' in out)) return { answered: false, skipped: out.skipped };
    return { answered: true, ...out.endpoint, states: out.value, skipped: out.skipped };
  }

  /**
   * Sets one routing control, on the first endpoint that answers. Setting a state it already has
   * changes nothing, so a retry is safe. When no endpoint answers, the activity's retry tries them
   * all again.
   */
  async function setRoutingControl(input: SetRoutingControlInput): Promise<RoutingControlChange> {
    const out = await onFirstAnswering(input, (client) =>
      client.send(
        new UpdateRoutingControlStateCommand({
          RoutingControlArn: input.routingControlArn,
          RoutingControlState: input.state,
        }),
      ),
    );
    if (!('value' in out)) {
      const why = out.skipped.map((m) => `${m.endpoint} (${m.region}): ${m.error}`).join('; ');
      throw retryable(FailureTypes.ClusterUnreachable, `no endpoint of the ARC cluster answered: ${why}`);
    }
    return {
      routingControlArn: input.routingControlArn,
      state: input.state,
      ...out.endpoint,
      skipped: out.skipped,
      attempt: activityInfo()?.attempt ?? 1,
    };
  }

  /**
   * Sets every routing control in one UpdateRoutingControlStates call, on the first endpoint that
   * answers: ARC applies the entries together, so traffic is never left with both regions Off (or a
   * half-done switch after a lost worker). Setting states they already have changes nothing, so a
   * retry is safe.
   */
  async function setRoutingControls(
    input: SetRoutingControlsInput,
  ): Promise<Omit<RoutingControlChange, 'routingControlArn' | 'state'>> {
    const out = await onFirstAnswering(input, (client) =>
      client.send(
        new UpdateRoutingControlStatesCommand({
          UpdateRoutingControlStateEntries: input.entries.map((e) => ({
            RoutingControlArn: e.routingControlArn,
            RoutingControlState: e.state,
          })),
        }),
      ),
    );
    if (!('value' in out)) {
      const why = out.skipped.map((m) => `${m.endpoint} (${m.region}): ${m.error}`).join('; ');
      throw retryable(FailureTypes.ClusterUnreachable, `no endpoint of the ARC cluster answered: ${why}`);
    }
    return { ...out.endpoint, skipped: out.skipped, attempt: activityInfo()?.attempt ?? 1 };
  }

  return { readRoutingControls, setRoutingControl, setRoutingControls };
}
