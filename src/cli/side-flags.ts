import { UsageError } from './output';

/** The setup flags that change its sides; they win over the request file. */
export const SIDE_FLAGS = ['requester-role', 'accepter-role', 'external-id'];

type Side = Record<string, unknown>;
const ROLES = ['requester', 'accepter'] as const;

/** `Tier=private` → `['Tier', 'private']`; the value may hold `=` itself. */
function tagOf(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0)
    throw new UsageError(`--route-table-tag ${text}: write it as Key=Value, e.g. --route-table-tag Tier=private`);
  return [text.slice(0, at), text.slice(at + 1)];
}

/**
 * The request with the flags applied: `--requester-role` / `--accepter-role` set a side's role,
 * `--external-id` goes with every side that has a role, and each `--route-table-tag` chooses the
 * tables of every side given by `vpcId`. The request is validated afterwards, as a file alone is.
 */
export function withSideFlags(
  request: unknown,
  values: Record<string, string | boolean | string[] | undefined>,
): unknown {
  const text = (name: string) => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const tags = Array.isArray(values['route-table-tag']) ? values['route-table-tag'] : [];
  const externalId = text('external-id');
  if (!text('requester-role') && !text('accepter-role') && !externalId && !tags.length) return request;
  if (typeof request !== 'object' || request === null) return request;
  const req = { ...(request as Record<string, unknown>) };
  const sides = Object.fromEntries(
    ROLES.map((role) => [role, { ...((req[role] as Side | undefined) ?? {}) }]),
  ) as Record<(typeof ROLES)[number], Side>;
  for (const role of ROLES) {
    const arn = text(`${role}-role`);
    if (arn) sides[role].roleArn = arn;
  }
  if (externalId) {
    const withRole = ROLES.filter((role) => sides[role].roleArn);
    if (!withRole.length)
      throw new UsageError('--external-id goes with a role: give --requester-role or --accepter-role');
    for (const role of withRole) sides[role].externalId = externalId;
  }
  if (tags.length) {
    const existing = ROLES.filter((role) => sides[role].vpcId);
    if (!existing.length) {
      throw new UsageError('--route-table-tag chooses tables of an existing VPC: neither side is given by vpcId');
    }
    for (const role of existing) {
      sides[role].routeTableTags = {
        ...(sides[role].routeTableTags as object | undefined),
        ...Object.fromEntries(tags.map(tagOf)),
      };
    }
  }
  return { ...req, requester: sides.requester, accepter: sides.accepter };
}
