/**
 * IPv6 CIDR arithmetic for the overlap and containment checks, pure so workflows may use it. The
 * text itself is kept as AWS answers it: routes and rules name a VPC's IPv6 block in AWS's own form.
 */
import { groupsOf } from './ip-address';

export interface Cidr6 {
  base: bigint;
  prefix: number;
}

/** IPv6 blocks are written with colons; IPv4 ones never are. */
export function isIpv6Cidr(text: string): boolean {
  return text.includes(':');
}

export function parseIpv6Cidr(text: string): Cidr6 | string {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(text);
  const groups = m ? groupsOf(m[1]!) : undefined;
  if (!m || !groups) return `"${text}" is not an IPv6 CIDR block like 2600:1f18:1234:5600::/56`;
  const prefix = Number(m[2]);
  if (prefix > 128) return `"${text}" has a prefix above /128`;
  const base = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
  const hostBits = (1n << BigInt(128 - prefix)) - 1n;
  if ((base & hostBits) !== 0n) return `"${text}" has host bits set`;
  return { base, prefix };
}

const size = (c: Cidr6) => 1n << BigInt(128 - c.prefix);

export function overlaps6(a: Cidr6, b: Cidr6): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}
