/**
 * Reading and rewriting the result sets of EC2 Describe answers (`<vpcSet><item>…</item></vpcSet>`)
 * with the fault proxy's span scanner, so that moto's body is changed only where the layer means to.
 */
import { escapeXml, topLevelItems } from '../fault-proxy/xml';

export interface ItemSet {
  /** Each top-level `<item>…</item>` of the set, in moto's order. */
  items: string[];
  /** The whole answer with the set holding `items` instead. */
  rebuild(items: string[]): string;
}

export function resultSet(xml: string, setTag: string): ItemSet | undefined {
  const open = `<${setTag}>`;
  const close = `</${setTag}>`;
  const start = xml.indexOf(open);
  const empty = xml.indexOf(`<${setTag}/>`);
  const wrap = (items: string[]) => `${open}${items.join('')}${close}`;
  if (start < 0) {
    if (empty < 0) return undefined;
    const after = empty + setTag.length + 3;
    return { items: [], rebuild: (items) => xml.slice(0, empty) + wrap(items) + xml.slice(after) };
  }
  const end = xml.indexOf(close, start);
  const items = topLevelItems(xml, start + open.length, end).map(([s, e]) => xml.slice(s, e));
  return { items, rebuild: (next) => xml.slice(0, start) + wrap(next) + xml.slice(end + close.length) };
}

function innerOf(item: string): string {
  return item.replace(/^<item>/, '').replace(/<\/item>$/, '');
}

/** `item` without the items nested in it, so that a field of the item itself can be read. */
function ownLevel(item: string): string {
  const inner = innerOf(item);
  let out = inner;
  for (const [s, e] of topLevelItems(inner, 0, inner.length).reverse()) out = out.slice(0, s) + out.slice(e);
  return out;
}

/** The text of `<tag>` in the item itself (not in the items nested in it). */
export function ownField(item: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(ownLevel(item))?.[1];
}

/** The item's own `<tag>…</tag>` element (one not inside a nested item), with its tags. */
export function ownElement(item: string, tag: string): string | undefined {
  const inner = innerOf(item);
  const nested = topLevelItems(inner, 0, inner.length);
  const open = `<${tag}>`;
  for (let at = inner.indexOf(open); at >= 0; at = inner.indexOf(open, at + 1)) {
    if (nested.some(([s, e]) => at > s && at < e)) continue;
    const end = inner.indexOf(`</${tag}>`, at);
    return end < 0 ? undefined : inner.slice(at, end + tag.length + 3);
  }
  return undefined;
}

/** The first `<tag>…</tag>` element anywhere in `xml`, with its tags. */
export function element(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`).exec(xml)?.[0];
}

/** The text of the first `<tag>` anywhere in `xml`. */
export function fieldText(xml: string | undefined, tag: string): string | undefined {
  return xml === undefined ? undefined : new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

/** The item's own tags (its `<tagSet>`) as key → value. */
export function tagsOf(item: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const m of (ownElement(item, 'tagSet') ?? '').matchAll(
    /<item>\s*<key>([^<]*)<\/key>\s*<value>([^<]*)<\/value>/g,
  )) {
    tags.set(m[1] ?? '', m[2] ?? '');
  }
  return tags;
}

/** The answer with `token` as its only `<nextToken>` (none when undefined). */
export function withNextToken(xml: string, token: string | undefined): string {
  const bare = xml.replace(/<nextToken>[^<]*<\/nextToken>|<nextToken\/>/g, '');
  if (token === undefined) return bare;
  const at = bare.lastIndexOf('</');
  return `${bare.slice(0, at)}<nextToken>${escapeXml(token)}</nextToken>${bare.slice(at)}`;
}
