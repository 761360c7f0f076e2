import { canonicalIpv6 } from '../net/ip-address';

/**
 * Route 53 compares names case-insensitively, always answers with a trailing dot, and escapes
 * some characters as `\ddd` (octal): `*.example.` comes back as `\052.example.`.
 */
export function normalizeRecordName(name: string): string {
  const unescaped = name.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  const lower = unescaped.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** CNAME targets compare like names; IPv6 addresses in RFC 5952 form; IPv4 addresses as written. */
export function normalizeRecordValue(type: string, value: string): string {
  if (type === 'CNAME') return normalizeRecordName(value.trim());
  const text = value.trim().toLowerCase();
  return type === 'AAAA' ? (canonicalIpv6(text) ?? text) : text;
}

export function sameRecordValue(type: string, a: string, b: string): boolean {
  return normalizeRecordValue(type, a) === normalizeRecordValue(type, b);
}

export function defaultDrillRecordName(recordName: string): string {
  return `drill-${recordName}`;
}

/** True when `name` lies in the zone `zoneName` (both as Route 53 writes them). */
export function isInZone(name: string, zoneName: string): boolean {
  const n = normalizeRecordName(name);
  const z = normalizeRecordName(zoneName);
  return n === z || n.endsWith(`.${z}`);
}
