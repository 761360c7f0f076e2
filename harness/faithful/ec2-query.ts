/**
 * EC2's query protocol, as the SDK speaks it: a form-encoded POST with `Action` and `Version`,
 * lists flattened as `Name.1.Field`, and XML answers in the 2016-11-15 namespace.
 */
import { randomUUID } from 'node:crypto';
import { type Answer, xmlAnswer } from '../fault-proxy/http';
import { errorXml } from '../fault-proxy/xml';

/** `Prefix.1.Field`, `Prefix.2.Field`, … as objects, in index order. */
export function queryList(params: URLSearchParams, prefix: string): Array<Record<string, string>> {
  const items = new Map<number, Record<string, string>>();
  for (const [key, value] of params) {
    const m = new RegExp(`^${prefix}\\.(\\d+)\\.(.+)$`).exec(key);
    if (!m) continue;
    const item = items.get(Number(m[1])) ?? {};
    item[m[2]!] = value;
    items.set(Number(m[1]), item);
  }
  return [...items.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `<name>value</name>` for each set field, in order. */
export function xmlFields(fields: Array<[string, string | number | boolean | undefined]>): string {
  return fields
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => `<${name}>${escapeXml(String(v))}</${name}>`)
    .join('');
}

export function ec2Ok(action: string, inner: string): Answer {
  return xmlAnswer(
    200,
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
      `<requestId>${randomUUID()}</requestId>${inner}</${action}Response>`,
  );
}

export function ec2Error(code: string, message: string): Answer {
  return xmlAnswer(400, errorXml('ec2', 400, code, message));
}
