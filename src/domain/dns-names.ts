/**
 * Route 53 compares names case-insensitively, always answers with a trailing dot, and escapes
 * some characters as `\ddd` (octal): `*.example.` comes back as `\052.example.`.
 */
export function normalizeRecordName(name: string): string {
  const unescaped = name.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  const lower = unescaped.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** CNAME targets compare like names; addresses compare as written. */
export function normalizeRecordValue(type: string, value: string): string {
  return type === 'CNAME' ? normalizeRecordName(value.trim()) : value.trim().toLowerCase();
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
