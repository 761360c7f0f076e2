/**
 * Reading and rewriting RDS query-API answers (`<DBInstance>`, `<DBCluster>` blocks) with plain
 * string edits, so that moto's body changes only where the layer means it to; and the answers the
 * layer writes itself, in RDS's XML (API version 2014-10-31).
 */
import { randomUUID } from 'node:crypto';
import { type Answer, xmlAnswer } from '../fault-proxy/http';
import { errorXml, escapeXml } from '../fault-proxy/xml';

const NS = 'http://rds.amazonaws.com/doc/2014-10-31/';

export const DB_INSTANCE = /<DBInstance>[\s\S]*?<\/DBInstance>/g;

/** An RDS error as AWS sends it (`ErrorResponse`); `code` is the wire code, e.g. `DBInstanceNotFound`. */
export function rdsError(code: string, message: string, status = 400): Answer {
  return xmlAnswer(status, errorXml('rds', status, code, message));
}

/** `<Action>Response><Action>Result>…` with `inner` as the result. */
export function rdsResult(action: string, inner: string): Answer {
  return xmlAnswer(
    200,
    `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  );
}

/** The text of the first `<tag>` in `xml` (RDS tags are unique enough inside one block). */
export function field(xml: string | undefined, tag: string): string | undefined {
  return xml === undefined ? undefined : new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

export function setField(block: string, tag: string, value: string): string {
  const re = new RegExp(`<${tag}>[^<]*</${tag}>`);
  return re.test(block) ? block.replace(re, `<${tag}>${escapeXml(value)}</${tag}>`) : block;
}

/** `block` without its first `<tag>…</tag>` (or `<tag/>`). */
export function dropElement(block: string, tag: string): string {
  return block.replace(new RegExp(`<${tag}>[\\s\\S]*?</${tag}>|<${tag}/>`), '');
}

export function hasElement(block: string, tag: string): boolean {
  return block.includes(`<${tag}>`);
}

/** `block` with `xml` inserted just before its closing tag. */
export function append(block: string, closingTag: string, xml: string): string {
  const at = block.lastIndexOf(`</${closingTag}>`);
  return at < 0 ? block : block.slice(0, at) + xml + block.slice(at);
}

/** Rewrites every `<DBInstance>` block of an answer; the same Answer when nothing changed. */
export function mapInstances(answer: Answer, fn: (block: string) => string): Answer {
  const xml = answer.body.toString('utf8');
  const out = xml.replace(DB_INSTANCE, fn);
  return out === xml ? answer : { ...answer, body: Buffer.from(out, 'utf8') };
}

export function instanceBlocks(xml: string): string[] {
  return xml.match(DB_INSTANCE) ?? [];
}

export interface RdsArn {
  region: string;
  account: string;
  /** `db`, `cluster`, `cluster-snapshot`, `global-cluster`… */
  kind: string;
  id: string;
}

export function parseRdsArn(arn: string): RdsArn | undefined {
  const m = /^arn:[^:]+:rds:([^:]*):(\d*):([^:]+):(.+)$/.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, kind: m[3]!, id: m[4]! } : undefined;
}

/** Where an identifier points: an ARN's region and id, else the caller's region. */
export function locate(idOrArn: string, callerRegion: string): { region: string; id: string; arn: boolean } {
  const arn = parseRdsArn(idOrArn);
  return arn ? { region: arn.region, id: arn.id, arn: true } : { region: callerRegion, id: idOrArn, arn: false };
}

/** A DBInstance block's identity rewritten from one name to another (identifier, ARN, endpoint). */
export function renameBlock(block: string, from: string, to: string): string {
  return block
    .replace(
      `<DBInstanceIdentifier>${from}</DBInstanceIdentifier>`,
      `<DBInstanceIdentifier>${to}</DBInstanceIdentifier>`,
    )
    .replace(new RegExp(`(<DBInstanceArn>[^<]*:db:)${from}(</DBInstanceArn>)`), `$1${to}$2`)
    .replace(new RegExp(`(<Endpoint><Address>)${from}\\.`), `$1${to}.`);
}
