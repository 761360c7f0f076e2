// A fault-injecting HTTP proxy in front of moto's server. moto answers every call at once and
// never fails, so this reproduces the AWS behaviours the orchestrator must survive: throttling,
// 5xx, lost responses, latency, and the VPC peering eventual-consistency / state quirks.
//
// Plain node:http rather than a proxy library: every request body is read to find the Action and
// pcx ids, and every response is buffered to be inspected, rewritten or thrown away, so the
// streaming pipe a proxy library provides would go unused. (http-proxy is unmaintained since
// 2020; http-proxy-3 2.x needs Node >= 22 and these machines run Node 20.)
//
// This file is the public face; the pieces live in fault-proxy-*.ts: the request pipeline
// (server), rules, stats, peering state (one behaviour), HTTP plumbing, XML and control endpoint;
// no answer at all in fault-proxy-unreachable.ts; AWS's RDS promotion and capacity in faithful/.
// With `faithful`, it is also the AWS-faithful layer (faithful/): AWS's eventual consistency,
// dependency checks, quotas, batches, DNS-option rules, peering lifecycle and pagination.
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { type AwsCall } from './call';
import { type FaultControl } from './control';
import { type CapacityTiming } from '../faithful/capacity';
import { type PromotionTiming } from '../faithful/rds-promotion';
import { type LayerTiming } from '../faithful/timing';
import { FaultProxyServer } from './server';
import { type FaithfulApis, type FaithfulOptions } from '../faithful';

export { type AwsCall } from './call';
export { parseRules, type FaultKind, type FaultRule } from './rules';
export { type FaultStats } from './stats';
export { regionOutage, REGIONAL_APIS } from './unreachable';
export { type CapacityTiming } from '../faithful/capacity';
export { type PromotionTiming } from '../faithful/rds-promotion';
export { type LayerTiming } from '../faithful/timing';

export interface FaultProxy extends FaultControl {
  url: string;
  /** Seeds for the APIs moto lacks (Cost Explorer forecasts, Pricing, network performance). */
  faithful: FaithfulApis;
  port: number;
  /** How RDS promotion is timed (faithful/rds-promotion.ts); change it to hold a promotion longer. */
  promotionTiming: PromotionTiming;
  /** How long new capacity takes to be in service (faithful/capacity.ts). */
  capacityTiming: CapacityTiming;
  /**
   * How long the layer's RDS, Route 53 and global-cluster transitions last (faithful/timing.ts),
   * from the options' profile; change its fields in place (or POST /__faults/timing).
   */
  timing: LayerTiming;
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
  /** @default DEFAULT_PROMOTION: `modifying` for 3 s, then a standalone instance */
  promotion?: Partial<PromotionTiming>;
  /** @default DEFAULT_CAPACITY: no warm-up, as moto (bounds are enforced either way) */
  capacity?: Partial<CapacityTiming>;
  /** Run the AWS-faithful layer's behaviours (harness/faithful) as well. @default off */
  faithful?: FaithfulOptions;
  /** Delay before each call is forwarded, on top of `latency` rules: e.g. latency-profile.ts's realistic AWS. */
  latency?: (call: AwsCall) => number;
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const proxy = new FaultProxyServer(new URL(opts.target), opts.seed ?? 1, opts.controlEndpoint ?? false, {
    ...(opts.promotion ? { promotion: opts.promotion } : {}),
    ...(opts.capacity ? { capacity: opts.capacity } : {}),
    ...(opts.faithful ? { faithful: opts.faithful } : {}),
    ...(opts.latency ? { latency: opts.latency } : {}),
  });
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
    promotionTiming: proxy.promotion.timing,
    capacityTiming: proxy.capacity.timing,
    timing: proxy.timing,
    faithful: proxy.faithfulApis,
    close: () =>
      new Promise<void>((resolve, reject) => {
        proxy.close();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
