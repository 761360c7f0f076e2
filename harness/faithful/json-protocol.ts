/**
 * AWS's JSON 1.1 protocol (Cost Explorer, Pricing), as the SDK speaks it: a POST to `/` with
 * `X-Amz-Target: <Service>.<Operation>`, a JSON body, and errors as `{ "__type", "message" }`.
 */
import { randomUUID } from 'node:crypto';
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function jsonBody(call: AwsCall): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(call.body || '{}');
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function jsonOk(value: unknown): Answer {
  return {
    status: 200,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() },
    body: Buffer.from(JSON.stringify(value), 'utf8'),
  };
}

/** An error as AWS JSON services send it; the SDK names the error by `__type`. */
export function jsonError(status: number, type: string, message: string): Answer {
  return {
    status,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': type },
    body: Buffer.from(JSON.stringify({ __type: type, message }), 'utf8'),
  };
}
