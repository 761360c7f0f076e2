/** IPv6 text forms (RFC 4291 section 2.2), for AAAA record values. */

const GROUP = /^[0-9a-f]{1,4}$/i;
const IPV4_TAIL = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The eight 16-bit groups of an IPv6 address, or undefined when `text` is not one. */
export function groupsOf(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const pieces = part.split(':');
    const out: number[] = [];
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && IPV4_TAIL.test(piece)) {
        const o = piece.split('.').map(Number);
        out.push(o[0]! * 256 + o[1]!, o[2]! * 256 + o[3]!);
      } else if (GROUP.test(piece)) out.push(parseInt(piece, 16));
      else return undefined;
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : undefined;
}

export function isIpv6Address(text: string): boolean {
  return groupsOf(text) !== undefined;
}

/** The RFC 5952 form (lower case, longest run of zero groups as `::`), so equal addresses compare equal. */
export function canonicalIpv6(text: string): string | undefined {
  const groups = groupsOf(text);
  if (!groups) return undefined;
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
