// XML helpers for the fault proxy: AWS error bodies, and finding / rewriting the VPC peering
// connections inside EC2 responses. moto's XML is regular enough that a span scanner is safer
// than pulling in a parser that would reformat the body the SDK is about to read.
import { randomUUID } from 'node:crypto';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** EC2 has its own error shape; RDS, STS, Route 53 and the other XML services share `ErrorResponse`. */
export function errorXml(service: string | undefined, status: number, code: string, message: string): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>';
  const id = randomUUID();
  if (service === undefined || service === 'ec2') {
    return `${head}<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${id}</RequestID></Response>`;
  }
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return `${head}<ErrorResponse><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`;
}

export type Span = readonly [start: number, end: number];

/** Top-level `<item>` spans between `from` and `to` (items nest: tag sets are items too). */
export function topLevelItems(xml: string, from: number, to: number): Span[] {
  return topLevelElements(xml, 'item', from, to);
}

/** Top-level `<name>` spans between `from` and `to`, for list elements that nest (EC2 item, query API member). */
export function topLevelElements(xml: string, name: string, from: number, to: number): Span[] {
  const spans: Span[] = [];
  const tag = new RegExp(`<(\\/?)${name}>`, 'g');
  tag.lastIndex = from;
  let depth = 0;
  let start = -1;
  for (let m = tag.exec(xml); m !== null && m.index < to; m = tag.exec(xml)) {
    if (m[1] === '') {
      if (depth === 0) start = m.index;
      depth++;
    } else if (--depth === 0) {
      spans.push([start, m.index + m[0].length]);
    }
  }
  return spans;
}

/** Replaces each top-level item of `<setTag>` whose `<idTag>` is `id` with `fn(block, id)`; `null` drops it. */
export function mapSetItems(
  xml: string,
  setTag: string,
  idTag: string,
  fn: (block: string, id: string) => string | null,
): string {
  const start = xml.indexOf(`<${setTag}>`);
  const end = xml.indexOf(`</${setTag}>`);
  if (start < 0 || end < 0) return xml;
  let out = xml;
  for (const [s, e] of topLevelItems(xml, start + setTag.length + 2, end).reverse()) {
    const block = out.slice(s, e);
    const id = new RegExp(`<${idTag}>([^<]+)</${idTag}>`).exec(block)?.[1];
    if (id === undefined) continue;
    out = out.slice(0, s) + (fn(block, id) ?? '') + out.slice(e);
  }
  return out;
}

/** Each peering connection in a Describe (set of items) or Create/Accept (single element) response. */
function peeringSpans(xml: string): Span[] {
  const single = /<vpcPeeringConnection>[\s\S]*?<\/vpcPeeringConnection>/.exec(xml);
  if (single) return [[single.index, single.index + single[0].length]];
  const open = '<vpcPeeringConnectionSet>';
  const start = xml.indexOf(open);
  const end = xml.indexOf('</vpcPeeringConnectionSet>');
  return start < 0 || end < 0 ? [] : topLevelItems(xml, start + open.length, end);
}

export function peeringIdOf(block: string): string | undefined {
  return /<vpcPeeringConnectionId>(pcx-[^<]+)<\/vpcPeeringConnectionId>/.exec(block)?.[1];
}

export function peeringIdsIn(xml: string): string[] {
  return peeringSpans(xml)
    .map(([s, e]) => peeringIdOf(xml.slice(s, e)))
    .filter((id): id is string => id !== undefined);
}

/** Replaces each peering block with `fn(block, id)`; `null` drops the block. */
export function mapPeerings(xml: string, fn: (block: string, pcxId: string) => string | null): string {
  let out = xml;
  // Right to left so earlier offsets stay valid.
  for (const [s, e] of peeringSpans(xml).reverse()) {
    const block = out.slice(s, e);
    const id = peeringIdOf(block);
    if (id === undefined) continue;
    out = out.slice(0, s) + (fn(block, id) ?? '') + out.slice(e);
  }
  return out;
}

export function peeringStatusOf(block: string): string | undefined {
  return /<status>\s*<code>([^<]*)<\/code>/.exec(block)?.[1];
}

export function withPeeringStatus(block: string, code: string, message: string): string {
  const status = `<status><code>${code}</code><message>${escapeXml(message)}</message></status>`;
  return block.replace(/<status>[\s\S]*?<\/status>/, status);
}
