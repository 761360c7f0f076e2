/** IPv4 CIDR arithmetic, pure and deterministic so workflows and the client can share it. */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const LEADING_ZERO = /^0\d/;

/**
 * Parses `a.b.c.d/n` in the canonical form AWS answers with; returns a reason instead of throwing
 * so callers can name the field. Leading zeros are refused: `010.000.0.0/16` would be compared as
 * text with the `10.0.0.0/16` AWS returns, and some parsers read `010` as octal.
 */
export function parseCidr(text: string): Cidr | string {
  const m = CIDR_RE.exec(text);
  if (!m) return `"${text}" is not an IPv4 CIDR block like 10.0.0.0/16`;
  const parts = m.slice(1, 6);
  const octets = parts.slice(0, 4).map(Number);
  if (octets.some((o) => o > 255)) return `"${text}" has an octet above 255`;
  const prefix = Number(m[5]);
  if (prefix > 32) return `"${text}" has a prefix above /32`;
  if (parts.some((p) => LEADING_ZERO.test(p))) {
    return `"${text}" has leading zeros; write it as ${octets.join('.')}/${prefix}, the form AWS answers with`;
  }
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (addr % size !== 0) {
    return `"${text}" has host bits set; the network address is ${formatAddr(addr - (addr % size))}/${prefix}`;
  }
  return { base: addr, prefix };
}

export function formatAddr(addr: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(addr / 2 ** shift) % 256).join('.');
}

export function formatCidr(c: Cidr): string {
  return `${formatAddr(c.base)}/${c.prefix}`;
}

function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** True when `inner` lies entirely within `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}
