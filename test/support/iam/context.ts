/** The parts of an IAM request: its context keys, and the tags a query-protocol call carries. */
import type { Tags } from './recorder';

export type Context = Record<string, string | string[]>;

export interface IamRequest {
  action: string;
  resource: string;
  /** The account that owns the resource, as the simulator needs it. */
  resourceAccount: string;
  context: Context;
}

export const resourceTags = (tags: Tags | undefined): Context =>
  Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));

export const requestTags = (tags: Tags): Context =>
  Object.keys(tags).length
    ? {
        ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
        'aws:TagKeys': Object.keys(tags),
      }
    : {};

/** `Prefix.N.Key` / `Prefix.N.Value` pairs of a query-protocol request. */
export function tagList(params: Record<string, string>, prefix: string): Tags {
  const tags: Tags = {};
  for (const [k, v] of Object.entries(params)) {
    const m = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.Key$`).exec(k);
    if (m) tags[v] = params[`${prefix}.${m[1]}.Value`] ?? '';
  }
  return tags;
}
