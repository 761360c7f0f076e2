/**
 * A Route 53 ARC cluster for the tests: moto has no ARC. It speaks the data plane's real wire
 * protocol, AWS JSON 1.0 with `X-Amz-Target: ToggleCustomerAPI.<Operation>`, as
 * @aws-sdk/client-route53-recovery-cluster sends it: GetRoutingControlState,
 * UpdateRoutingControlState and UpdateRoutingControlStates (several controls in one call, applied
 * together or not at all). Like a real cluster it has several regional endpoints sharing one
 * state, each refusing requests not signed for its own region, and any endpoint can be taken down:
 * `unreachable` (no answer at all) or `unavailable` (EndpointTemporarilyUnavailableException, AWS's
 * "try another cluster endpoint").
 */
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import type { ClusterEndpoint } from '../../src/domain/failover/types';
import { readBody } from '../../harness/fault-proxy/http';

export type RoutingControlState = 'On' | 'Off';
export type EndpointDown = 'unreachable' | 'unavailable';

export interface ArcCall {
  region: string;
  operation: string;
  routingControlArn?: string;
  state?: RoutingControlState;
  /** UpdateRoutingControlStates: every control it set, in the call's order. */
  entries?: Array<{ arn: string; state: RoutingControlState }>;
  /** What the endpoint did: answered (even with an error), or said nothing. */
  answered: boolean;
}

export interface ArcCluster {
  /** As ARC's DescribeCluster lists them, for `dnsSwitch.clusterEndpoints`. */
  endpoints: ClusterEndpoint[];
  /** Creates a routing control (in one control panel) and answers its ARN. */
  addRoutingControl(name: string, state: RoutingControlState): string;
  stateOf(arn: string): RoutingControlState | undefined;
  /** Every call the endpoints received, in order. */
  calls: ArcCall[];
  /** Takes the endpoint of `region` down, or brings it back with `false`. */
  setDown(region: string, how: EndpointDown | false): void;
  close(): Promise<void>;
}

const ACCOUNT = '123456789012';
const TARGET_PREFIX = 'ToggleCustomerAPI.';
const SCOPE = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

interface Control {
  name: string;
  state: RoutingControlState;
}

function reply(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomBytes(16).toString('hex'),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

const fail = (res: ServerResponse, status: number, type: string, message: string, extra: object = {}) =>
  reply(res, status, { __type: type, message, ...extra }, type);

class Cluster {
  readonly controls = new Map<string, Control>();
  readonly calls: ArcCall[] = [];
  readonly down = new Map<string, EndpointDown>();
  private readonly panel = randomBytes(16).toString('hex');

  add(name: string, state: RoutingControlState): string {
    const arn = `arn:aws:route53-recovery-control::${ACCOUNT}:controlpanel/${this.panel}/routingcontrol/${randomBytes(8).toString('hex')}`;
    this.controls.set(arn, { name, state });
    return arn;
  }

  async handle(region: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const operation = String(req.headers['x-amz-target'] ?? '').replace(TARGET_PREFIX, '');
    const input = (body.length ? JSON.parse(body.toString('utf8')) : {}) as {
      RoutingControlArn?: string;
      RoutingControlState?: RoutingControlState;
      UpdateRoutingControlStateEntries?: Array<{
        RoutingControlArn?: string;
        RoutingControlState?: RoutingControlState;
      }>;
    };
    const entries = input.UpdateRoutingControlStateEntries?.map((e) => ({
      arn: e.RoutingControlArn ?? '',
      state: e.RoutingControlState as RoutingControlState,
    }));
    const down = this.down.get(region);
    this.calls.push({
      region,
      operation,
      ...(input.RoutingControlArn ? { routingControlArn: input.RoutingControlArn } : {}),
      ...(input.RoutingControlState ? { state: input.RoutingControlState } : {}),
      ...(entries ? { entries } : {}),
      answered: down !== 'unreachable',
    });
    // No answer at all: the connection stays open until the client gives up.
    if (down === 'unreachable') return;
    if (down === 'unavailable') {
      fail(
        res,
        500,
        'EndpointTemporarilyUnavailableException',
        `The cluster endpoint in ${region} isn't available. Try another cluster endpoint.`,
      );
      return;
    }
    const scope = SCOPE.exec(String(req.headers.authorization ?? ''));
    if (scope?.[1] !== region || scope[2] !== 'route53-recovery-cluster') {
      fail(
        res,
        403,
        'InvalidSignatureException',
        `Credential should be scoped to a valid region: ${region} (route53-recovery-cluster)`,
      );
      return;
    }
    if (operation === 'UpdateRoutingControlStates') {
      this.updateAll(res, entries ?? []);
      return;
    }
    const arn = input.RoutingControlArn;
    const control = arn ? this.controls.get(arn) : undefined;
    if (!arn || !control) {
      fail(res, 404, 'ResourceNotFoundException', `Routing control ${arn ?? '(none)'} was not found.`, {
        resourceId: arn ?? '',
        resourceType: 'RoutingControl',
      });
      return;
    }
    if (operation === 'GetRoutingControlState') {
      reply(res, 200, { RoutingControlArn: arn, RoutingControlState: control.state, RoutingControlName: control.name });
    } else if (operation === 'UpdateRoutingControlState') {
      if (input.RoutingControlState !== 'On' && input.RoutingControlState !== 'Off') {
        fail(res, 400, 'ValidationException', 'RoutingControlState must be On or Off', {
          reason: 'fieldValidationFailed',
        });
        return;
      }
      control.state = input.RoutingControlState;
      reply(res, 200, {});
    } else {
      fail(res, 400, 'UnknownOperationException', `${operation} is not served by this test cluster`);
    }
  }

  /** Every entry is checked first: an unknown control or a bad state changes none of them, as AWS does. */
  private updateAll(res: ServerResponse, entries: Array<{ arn: string; state: RoutingControlState }>): void {
    const missing = entries.find((e) => !this.controls.has(e.arn));
    if (!entries.length || missing) {
      fail(res, 404, 'ResourceNotFoundException', `Routing control ${missing?.arn ?? '(none)'} was not found.`, {
        resourceId: missing?.arn ?? '',
        resourceType: 'RoutingControl',
      });
      return;
    }
    if (entries.some((e) => e.state !== 'On' && e.state !== 'Off')) {
      fail(res, 400, 'ValidationException', 'RoutingControlState must be On or Off', {
        reason: 'fieldValidationFailed',
      });
      return;
    }
    for (const e of entries) this.controls.get(e.arn)!.state = e.state;
    reply(res, 200, {});
  }
}

/** One endpoint per region, all on loopback, sharing one cluster's state. */
export async function startArcCluster(
  regions: string[] = ['us-east-1', 'eu-west-1', 'us-west-2'],
): Promise<ArcCluster> {
  const cluster = new Cluster();
  const servers: http.Server[] = [];
  const endpoints: ClusterEndpoint[] = [];
  for (const region of regions) {
    const server = http.createServer((req, res) => {
      cluster.handle(region, req, res).catch((err: unknown) => {
        if (!res.headersSent)
          fail(res, 500, 'InternalServerException', err instanceof Error ? err.message : String(err));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    servers.push(server);
    endpoints.push({ region, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` });
  }
  return {
    endpoints,
    addRoutingControl: (name, state) => cluster.add(name, state),
    stateOf: (arn) => cluster.controls.get(arn)?.state,
    calls: cluster.calls,
    setDown: (region, how) => (how ? cluster.down.set(region, how) : cluster.down.delete(region)),
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}
