/**
 * Route 53's GetHealthCheckStatus from observations a test sets per health check, in AWS's shape:
 * one observation per checker (its region, its IP address, and its last report, "Success: HTTP
 * Status Code 200, OK" or "Failure: …"). moto answers one checker that always succeeds; without a
 * seed for the health check, moto's answer is passed on.
 * Sources: Route 53 API reference, GetHealthCheckStatus (HealthCheckObservations: Region, IPAddress,
 * StatusReport { Status, CheckedTime }, "A list that contains one HealthCheckObservation element
 * for each Amazon Route 53 health checker that is reporting a status about the health check
 * endpoint"); Route 53 developer guide, "How Amazon Route 53 determines whether a health check is
 * healthy" (a health check is healthy when more than 18% of its checkers report it healthy); the
 * checkers' regions and addresses are AWS's published ROUTE53_HEALTHCHECKS ranges (ip-ranges.json).
 */
import { type AwsCall } from '../fault-proxy/call';
import { type Answer, xmlAnswer } from '../fault-proxy/http';
import { escapeXml } from '../fault-proxy/xml';
import { FaithfulApi } from './faithful-api';

const STATUS = /^GET \/2013-04-01\/healthcheck\/([^/]+)\/status$/;
const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

export const CHECKER_OK = 'Success: HTTP Status Code 200, OK';
export const CHECKER_FAILING = 'Failure: HTTP Status Code 503, Service Unavailable';

/** Route 53's default checker regions, two checkers each, from its published address ranges. */
export const CHECKERS: ReadonlyArray<{ region: string; ipAddress: string }> = [
  { region: 'us-east-1', ipAddress: '107.23.255.4' },
  { region: 'us-east-1', ipAddress: '54.243.31.196' },
  { region: 'us-west-1', ipAddress: '54.183.255.132' },
  { region: 'us-west-1', ipAddress: '54.241.32.68' },
  { region: 'us-west-2', ipAddress: '54.244.52.196' },
  { region: 'us-west-2', ipAddress: '54.245.168.4' },
  { region: 'eu-west-1', ipAddress: '176.34.159.196' },
  { region: 'eu-west-1', ipAddress: '54.228.16.4' },
  { region: 'ap-southeast-1', ipAddress: '54.251.31.132' },
  { region: 'ap-southeast-1', ipAddress: '54.255.254.196' },
  { region: 'ap-southeast-2', ipAddress: '54.252.79.132' },
  { region: 'ap-southeast-2', ipAddress: '54.252.254.196' },
  { region: 'ap-northeast-1', ipAddress: '54.248.220.4' },
  { region: 'ap-northeast-1', ipAddress: '54.250.253.196' },
  { region: 'sa-east-1', ipAddress: '177.71.207.132' },
  { region: 'sa-east-1', ipAddress: '54.232.40.68' },
];

export interface HealthCheckObservation {
  region: string;
  ipAddress: string;
  /** "Success: …" or "Failure: …", as the checker reported it. */
  status: string;
  /** @default when the answer is made */
  checkedTime?: string;
}

/** What the control endpoint and `observe()` accept: the observations, or how many checkers fail. */
export type ObservationSeed =
  | { observations: HealthCheckObservation[] }
  | {
      /** Of the 16 default checkers, how many report a failure (the first ones). @default 0 */
      failing?: number;
      /** @default CHECKER_FAILING */
      failureStatus?: string;
    };

export function observationsFrom(seed: ObservationSeed): HealthCheckObservation[] {
  if ('observations' in seed) {
    if (!Array.isArray(seed.observations)) throw new Error('observations must be an array');
    return seed.observations.map((o, i) => {
      if (typeof o?.status !== 'string' || !/^(Success|Failure)/.test(o.status))
        throw new Error(`observation ${i}: status must start with "Success" or "Failure"`);
      return { region: String(o.region), ipAddress: String(o.ipAddress), status: o.status, checkedTime: o.checkedTime };
    });
  }
  const failing = seed.failing ?? 0;
  if (!Number.isInteger(failing) || failing < 0 || failing > CHECKERS.length)
    throw new Error(`failing must be 0..${CHECKERS.length}`);
  return CHECKERS.map((c, i) => ({ ...c, status: i < failing ? (seed.failureStatus ?? CHECKER_FAILING) : CHECKER_OK }));
}

export class HealthCheckObservations extends FaithfulApi {
  private readonly seeds = new Map<string, HealthCheckObservation[]>();
  /** Health check ids asked for, in order. */
  readonly requests: string[] = [];

  /** From now on GetHealthCheckStatus of `healthCheckId` answers these observations. */
  observe(healthCheckId: string, seed: ObservationSeed): void {
    this.seeds.set(healthCheckId, observationsFrom(seed));
  }

  /** Back to moto's answer for one health check, or for all. */
  forget(healthCheckId?: string): void {
    if (healthCheckId === undefined) this.seeds.clear();
    else this.seeds.delete(healthCheckId);
  }

  seeded(): Record<string, HealthCheckObservation[]> {
    return Object.fromEntries(this.seeds);
  }

  clear(): void {
    this.seeds.clear();
    this.requests.length = 0;
  }

  serve(call: AwsCall): Answer | undefined {
    const id = call.service === 'route53' ? STATUS.exec(call.action)?.[1] : undefined;
    const seed = id === undefined ? undefined : this.seeds.get(id);
    if (id === undefined || !seed) return undefined;
    this.requests.push(id);
    const now = new Date().toISOString();
    const items = seed
      .map(
        (o) =>
          `<HealthCheckObservation><Region>${escapeXml(o.region)}</Region><IPAddress>${escapeXml(o.ipAddress)}</IPAddress>` +
          `<StatusReport><Status>${escapeXml(o.status)}</Status><CheckedTime>${o.checkedTime ?? now}</CheckedTime></StatusReport>` +
          '</HealthCheckObservation>',
      )
      .join('');
    return xmlAnswer(
      200,
      `<?xml version="1.0" encoding="UTF-8"?><GetHealthCheckStatusResponse xmlns="${NS}">` +
        `<HealthCheckObservations>${items}</HealthCheckObservations></GetHealthCheckStatusResponse>`,
    );
  }
}
