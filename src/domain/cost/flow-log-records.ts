/**
 * VPC flow-log records (version 5 fields) and what they say about the peering: the bytes each side
 * sent over it, per port. Only egress records carry `traffic-path`; 5 means "through an
 * inter-Region VPC peering connection", so each byte is counted once, by the side that sent it.
 */
import type { PortTraffic } from './types';
import { roundGb, roundUsd } from './report';
import { PROTOCOL_NUMBER } from '../net/protocols';
import type { AllowRule } from '../peering/types';
import { formatFields } from '../peering/flow-log-format';
/** The fields any flow log must record for the report to read it. */
export const NEEDED_FIELDS = ['bytes', 'dstport', 'flow-direction', 'traffic-path'] as const;
export const INTER_REGION_PEERING_PATH = '5';

export function canRead(logFormat: string): boolean {
  const fields = formatFields(logFormat);
  return NEEDED_FIELDS.every((f) => fields.includes(f));
}

/**
 * A CloudWatch Logs space-delimited filter that keeps only egress records over an inter-Region
 * peering, so FilterLogEvents returns little more than what is counted.
 */
export function peeringEgressPattern(logFormat: string): string {
  const terms = formatFields(logFormat).map((f, i) => {
    if (f === 'flow-direction') return `f${i}="egress"`;
    if (f === 'traffic-path') return `f${i}=${INTER_REGION_PEERING_PATH}`;
    return `f${i}`;
  });
  return `[${terms.join(', ')}]`;
}

export function parseRecord(fields: string[], message: string): Record<string, string> | undefined {
  const values = message.trim().split(/\s+/);
  if (values.length !== fields.length) return undefined;
  return Object.fromEntries(fields.map((f, i) => [f, values[i]!]));
}

const PROTOCOL_NAME: Record<string, string> = Object.fromEntries(
  Object.entries(PROTOCOL_NUMBER).map(([name, num]) => [num, name]),
);

/** One side's records, with the direction its egress goes. */
export interface SideRecords {
  from: string;
  to: string;
  logFormat: string;
  messages: string[];
}

/**
 * The port a flow is for: the allowed port it reached, or the allowed port it answers from (the
 * database's replies leave 5432 for an ephemeral port), else its destination port.
 */
function servicePort(allow: AllowRule[], protocol: string, srcport: number, dstport: number): number {
  const allowed = (port: number) =>
    allow.some((r) => r.protocol === protocol && r.fromPort <= port && port <= r.toPort);
  if (allowed(dstport)) return dstport;
  if (allowed(srcport)) return srcport;
  return dstport;
}

/** AWS bills transfer in binary gigabytes. */
const BYTES_PER_GB = 2 ** 30;

/** Sums accepted egress bytes over the inter-Region peering per direction, protocol and port. */
export function sumPeeringTraffic(sides: SideRecords[], allow: AllowRule[]): { ports: PortTraffic[]; records: number } {
  const sums = new Map<string, PortTraffic>();
  let records = 0;
  for (const side of sides) {
    const fields = formatFields(side.logFormat);
    for (const message of side.messages) {
      const r = parseRecord(fields, message);
      if (!r || r['flow-direction'] !== 'egress' || r['traffic-path'] !== INTER_REGION_PEERING_PATH) continue;
      if (r.action !== undefined && r.action !== 'ACCEPT') continue;
      const bytes = Number(r.bytes);
      const dstport = Number(r.dstport);
      if (!Number.isFinite(bytes) || !Number.isFinite(dstport)) continue;
      records += 1;
      const protocol = PROTOCOL_NAME[r.protocol ?? ''] ?? r.protocol ?? 'unknown';
      const port = servicePort(allow, protocol, Number(r.srcport ?? NaN), dstport);
      const key = `${side.from}>${side.to}>${protocol}>${port}`;
      const sum = sums.get(key) ?? { from: side.from, to: side.to, protocol, port, bytes: 0, gb: 0 };
      sum.bytes += bytes;
      sums.set(key, sum);
    }
  }
  const ports = [...sums.values()].map((p) => ({ ...p, gb: roundGb(p.bytes / BYTES_PER_GB) }));
  ports.sort((a, b) => a.from.localeCompare(b.from) || b.bytes - a.bytes || a.port - b.port);
  return { ports, records };
}

/** Each port's GB at its direction's rate; a direction without a rate gets no estimate. */
export function withEstimates(
  ports: PortTraffic[],
  usdPerGb: (from: string, to: string) => number | null,
): PortTraffic[] {
  return ports.map((p) => {
    const rate = usdPerGb(p.from, p.to);
    return rate === null ? p : { ...p, estimatedUsd: roundUsd((p.bytes / BYTES_PER_GB) * rate) };
  });
}

/** The requester's sends first, then the accepter's; the most bytes first within each. */
export function requesterFirst(ports: PortTraffic[], requesterRegion: string): PortTraffic[] {
  const side = (p: PortTraffic) => (p.from === requesterRegion ? 0 : 1);
  return [...ports].sort((a, b) => side(a) - side(b) || b.bytes - a.bytes || a.port - b.port);
}

/** Adds `more` into `totals`, port by port: a long log is read and summed a page at a time. */
export function addTraffic(totals: PortTraffic[], more: PortTraffic[]): PortTraffic[] {
  const key = (p: PortTraffic) => `${p.from}>${p.to}>${p.protocol}>${p.port}`;
  const sums = new Map(totals.map((p) => [key(p), { ...p }]));
  for (const p of more) {
    const sum = sums.get(key(p));
    if (sum) sum.bytes += p.bytes;
    else sums.set(key(p), { ...p });
  }
  const ports = [...sums.values()].map((p) => ({ ...p, gb: roundGb(p.bytes / BYTES_PER_GB) }));
  ports.sort((a, b) => a.from.localeCompare(b.from) || b.bytes - a.bytes || a.port - b.port);
  return ports;
}
