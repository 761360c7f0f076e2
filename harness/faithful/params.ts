/** Reading EC2 query-protocol parameters: numbered lists, filters and security-group permissions. */
import { type IpPermission } from '@aws-sdk/client-ec2';

/** `Prefix.1`, `Prefix.2`, ... in order. */
export function listParam(params: URLSearchParams, prefix: string): string[] {
  const out: Array<[number, string]> = [];
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)$`);
  for (const [key, value] of params) {
    const m = pattern.exec(key);
    if (m) out.push([Number(m[1]), value]);
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

export interface QueryFilter {
  name: string;
  values: string[];
}

export function filtersOf(params: URLSearchParams): QueryFilter[] {
  const names = new Map<number, string>();
  for (const [key, value] of params) {
    const m = /^Filter\.(\d+)\.Name$/.exec(key);
    if (m) names.set(Number(m[1]), value);
  }
  return [...names.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([n, name]) => ({ name, values: listParam(params, `Filter.${n}.Value`) }));
}

/** One rule of a security group: a protocol and port range from (or to) one source. */
export interface RuleEntry {
  protocol: string;
  fromPort: number;
  toPort: number;
  source: string;
}

const PROTOCOLS: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' };

/** The same rule however it was spelled: `6` is `tcp`, and `-1` has no ports. */
function entry(protocol: string, fromPort: number, toPort: number, source: string): RuleEntry {
  const p = PROTOCOLS[protocol.toLowerCase()] ?? protocol.toLowerCase();
  return p === '-1' ? { protocol: p, fromPort: -1, toPort: -1, source } : { protocol: p, fromPort, toPort, source };
}

export function ruleKey(e: RuleEntry): string {
  return `${e.protocol}|${e.fromPort}|${e.toPort}|${e.source}`;
}

/** The rules an Authorize or Revoke call names, one per source, in request order. */
export function requestedRules(params: URLSearchParams): RuleEntry[] {
  const perms = new Set<number>();
  for (const key of params.keys()) {
    const m = /^IpPermissions\.(\d+)\./.exec(key);
    if (m) perms.add(Number(m[1]));
  }
  return [...perms]
    .sort((a, b) => a - b)
    .flatMap((n) => {
      const p = `IpPermissions.${n}`;
      const protocol = params.get(`${p}.IpProtocol`) ?? '-1';
      const from = Number(params.get(`${p}.FromPort`) ?? -1);
      const to = Number(params.get(`${p}.ToPort`) ?? -1);
      return [
        ...indexed(params, `${p}.IpRanges`, 'CidrIp'),
        ...indexed(params, `${p}.Ipv6Ranges`, 'CidrIpv6'),
        ...indexed(params, `${p}.Groups`, 'GroupId'),
        ...indexed(params, `${p}.PrefixListIds`, 'PrefixListId'),
      ].map((source) => entry(protocol, from, to, source));
    });
}

/** `Prefix.N.Member` values in order of N. */
function indexed(params: URLSearchParams, prefix: string, member: string): string[] {
  const out: Array<[number, string]> = [];
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.${member}$`);
  for (const [key, value] of params) {
    const m = pattern.exec(key);
    if (m) out.push([Number(m[1]), value]);
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/** A group's rules as DescribeSecurityGroups returns them, one per source. */
export function groupRules(perms: IpPermission[] | undefined): RuleEntry[] {
  return (perms ?? []).flatMap((p) =>
    [
      ...(p.IpRanges ?? []).map((r) => r.CidrIp ?? ''),
      ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? ''),
      ...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? ''),
      ...(p.PrefixListIds ?? []).map((l) => l.PrefixListId ?? ''),
    ].map((source) => entry(p.IpProtocol ?? '-1', p.FromPort ?? -1, p.ToPort ?? -1, source)),
  );
}
