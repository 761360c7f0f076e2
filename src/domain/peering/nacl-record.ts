import { fnv1a } from '../hash';
import { PROTOCOL_NUMBER } from '../net/protocols';
import type { NaclEntrySpec } from './rules-plan';

/*
 * NACL entries cannot be tagged, so the setup records the ones it made on the network ACL itself:
 * per peering and direction, one tag whose value lists each entry's rule number with a fingerprint
 * of its content. An entry already there before the setup is never recorded; teardown deletes a
 * recorded entry only while its content still has that fingerprint, and nothing else.
 */

const KEY = /^vpc-peering:nacl-(ingress|egress):(pcx-[0-9a-f]+)$/;

/** The tag key on a network ACL for the entries that the setup of `peeringConnectionId` made there. */
export function naclRecordKey(peeringConnectionId: string, egress: boolean): string {
  return `vpc-peering:nacl-${egress ? 'egress' : 'ingress'}:${peeringConnectionId}`;
}

export function parseNaclRecordKey(key: string): { peeringConnectionId: string; egress: boolean } | undefined {
  const m = KEY.exec(key);
  return m ? { peeringConnectionId: m[2]!, egress: m[1] === 'egress' } : undefined;
}

/** What an entry lets through, in the terms DescribeNetworkAcls answers with. */
export interface NaclEntryContent {
  /** The IANA number as text, or "-1" for every protocol. */
  protocol: string;
  ruleAction: string;
  cidrBlock: string;
  fromPort?: number;
  toPort?: number;
  icmpType?: number;
  icmpCode?: number;
}

export function contentOfSpec(spec: NaclEntrySpec): NaclEntryContent {
  const traffic =
    spec.protocol === 'icmp'
      ? { icmpType: spec.fromPort, icmpCode: spec.toPort }
      : { fromPort: spec.fromPort, toPort: spec.toPort };
  return { protocol: PROTOCOL_NUMBER[spec.protocol], ruleAction: 'allow', cidrBlock: spec.cidrBlock, ...traffic };
}

/** Four hex digits of FNV-1a over the content: enough to tell our entry from a changed one. */
export function naclFingerprint(c: NaclEntryContent): string {
  const traffic =
    c.protocol === PROTOCOL_NUMBER.icmp
      ? `icmp ${c.icmpType}/${c.icmpCode}`
      : c.protocol === '-1'
        ? 'all'
        : `ports ${c.fromPort}-${c.toPort}`;
  const hash = fnv1a(`${c.protocol}|${c.ruleAction}|${c.cidrBlock}|${traffic}`);
  return ((hash ^ (hash >>> 16)) & 0xffff).toString(16).padStart(4, '0');
}

/** Rule number → fingerprint of the entry the setup made there. */
export type NaclRecord = Map<number, string>;

/** The record of these entries (of one direction): what a setup writes after making exactly them. */
export function naclRecordOf(specs: NaclEntrySpec[]): NaclRecord {
  return new Map(specs.map((spec) => [spec.ruleNumber, naclFingerprint(contentOfSpec(spec))]));
}

/** `900:3f2a 901:b1c0`: 19 entries (the quota, less the default deny) fit a tag value's 256 characters. */
export function formatNaclRecord(record: NaclRecord): string {
  return [...record.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, f]) => `${n}:${f}`)
    .join(' ');
}

/** AWS's limit on a tag value. */
export const TAG_VALUE_MAX = 256;

/** The key of the record's `part`-th tag: the first is the plain key, then `<key>/2`, `<key>/3` … */
const partKey = (key: string, part: number) => (part === 1 ? key : `${key}/${part}`);

/**
 * A record as the tags that hold it. An IPv6 setup may record the IPv4 quota and the IPv6 quota
 * in one direction, more than one tag value holds, so the entries beyond the first value's 256
 * characters go on in `<key>/2`, `<key>/3` and so on. An empty record has no tags.
 */
export function naclRecordTags(
  pcx: string,
  egress: boolean,
  record: NaclRecord,
): Array<{ Key: string; Value: string }> {
  const items = formatNaclRecord(record).split(' ').filter(Boolean);
  const values: string[] = [];
  for (const item of items) {
    const last = values[values.length - 1];
    if (last !== undefined && last.length + 1 + item.length <= TAG_VALUE_MAX)
      values[values.length - 1] = `${last} ${item}`;
    else values.push(item);
  }
  const key = naclRecordKey(pcx, egress);
  return values.map((Value, i) => ({ Key: partKey(key, i + 1), Value }));
}

/** The tag keys among `tags` that hold part of this record. */
export function naclRecordKeysIn(tags: Array<{ Key?: string }> | undefined, pcx: string, egress: boolean): string[] {
  const key = naclRecordKey(pcx, egress);
  return (tags ?? [])
    .map((t) => t.Key ?? '')
    .filter((k) => k === key || (k.startsWith(`${key}/`) && /^\d+$/.test(k.slice(key.length + 1))));
}

/** The record as an ACL's tags hold it, across all of its parts. */
export function readNaclRecordTags(
  tags: Array<{ Key?: string; Value?: string }> | undefined,
  pcx: string,
  egress: boolean,
): NaclRecord {
  const keys = new Set(naclRecordKeysIn(tags, pcx, egress));
  const text = (tags ?? [])
    .filter((t) => keys.has(t.Key ?? ''))
    .map((t) => t.Value ?? '')
    .join(' ');
  return parseNaclRecord(text);
}

export function parseNaclRecord(text: string | undefined): NaclRecord {
  const record: NaclRecord = new Map();
  for (const item of (text ?? '').split(/\s+/)) {
    const m = /^(\d{1,5}):([0-9a-f]{4})$/.exec(item);
    if (m) record.set(Number(m[1]), m[2]!);
  }
  return record;
}
