/**
 * How one side's AWS calls reach its account: with the worker's own credentials, or through a role
 * assumed for that side (a side in another account). Pure, so workflows build it from the request.
 */
import { fnv1a } from '../hash';

export interface SideAccess {
  /** The role assumed for the side's calls; absent: the worker's own credentials. */
  roleArn?: string;
  /** Passed to sts:AssumeRole with the role, for a trust policy that asks for it. */
  externalId?: string;
  /**
   * The assumed role's session name: it says which setup made the call, so CloudTrail in the
   * side's account names the setup behind every change.
   */
  roleSessionName?: string;
}

/** AWS's limit on a role session name, and the characters it allows. */
const SESSION_MAX = 64;
const SESSION_CHARS = /[^\w+=,.@-]/g;
const SESSION_PREFIX = 'vpc-peering-';

/**
 * `vpc-peering-<setup id>` in the characters AWS allows; an id too long for 64 characters keeps
 * its start and ends in a hash of the whole id, so two long ids never share a session name.
 */
export function roleSessionName(setupId: string): string {
  const name = `${SESSION_PREFIX}${setupId}`.replace(SESSION_CHARS, '-');
  if (name.length <= SESSION_MAX) return name;
  const hash = fnv1a(setupId).toString(16).padStart(8, '0');
  return `${name.slice(0, SESSION_MAX - hash.length - 1)}-${hash}`;
}

/** The side's access for the calls a setup (or its teardown, drill or mesh) makes for it. */
export function sideAccess(side: { roleArn?: string; externalId?: string }, setupId: string): SideAccess {
  if (!side.roleArn) return {};
  return {
    roleArn: side.roleArn,
    ...(side.externalId ? { externalId: side.externalId } : {}),
    roleSessionName: roleSessionName(setupId),
  };
}

const ROLE_ARN = /^arn:[a-z-]+:iam::(\d{12}):role\//;

/** The account a role lives in, read from its ARN. */
export function accountOfRole(roleArn: string | undefined): string | undefined {
  return roleArn ? ROLE_ARN.exec(roleArn)?.[1] : undefined;
}

/** The same credentials: the same role with the same external ID (or both the worker's own). */
export function sameAccess(a: SideAccess | undefined, b: SideAccess | undefined): boolean {
  return (a?.roleArn ?? '') === (b?.roleArn ?? '') && (a?.externalId ?? '') === (b?.externalId ?? '');
}

/** Only the access fields of an input that carries them among others, for building clients. */
export function accessOf(input: SideAccess | undefined): SideAccess {
  if (!input?.roleArn) return {};
  return {
    roleArn: input.roleArn,
    ...(input.externalId ? { externalId: input.externalId } : {}),
    ...(input.roleSessionName ? { roleSessionName: input.roleSessionName } : {}),
  };
}

/** A side as removal sees it: its region, and how its account is reached. */
export interface RemovalSide {
  region: string;
  access: SideAccess;
}

/**
 * How to reach what a ref names. A ref that records its account is reached through the side whose
 * role is in that account (the one in the ref's region, when both are), or with the worker's own
 * credentials when none is. A ref recorded
 * before accounts were (no `accountId`) is reached as then: through the role of its region's side,
 * the later side's when both sides share the region.
 */
export function accessForRef(ref: { region: string; accountId?: string }, sides: RemovalSide[]): SideAccess {
  if (ref.accountId) {
    const inAccount = sides.filter((s) => accountOfRole(s.access.roleArn) === ref.accountId);
    // Two sides' roles in one account: the side in the ref's region, so each role removes its own.
    return (inAccount.find((s) => s.region === ref.region) ?? inAccount[0])?.access ?? {};
  }
  return sides.filter((s) => s.region === ref.region).pop()?.access ?? {};
}

/**
 * The roles a worker assumes unless its configuration (`ASSUMABLE_ROLE_ARNS`) says otherwise: the
 * ones the shipped worker policy lets it assume (its `sts:AssumeRole` statement).
 */
export const DEFAULT_ASSUMABLE_ROLE_ARNS: readonly string[] = ['arn:aws:iam::*:role/vpc-peering-*'];

/** A role ARN pattern: a role in any partition and account, `*` and `?` allowed anywhere. */
const ROLE_PATTERN = /^arn:[\w*?-]+:iam::[\d*?]*:role\/[\w+=,.@/*?-]+$/;

export function isRoleArnPattern(pattern: string): boolean {
  return ROLE_PATTERN.test(pattern);
}

/**
 * Whether one of the patterns names the role, matched as IAM matches a policy's `Resource`: the
 * whole ARN, case-sensitive, `*` any run of characters (`/` included), `?` any one character.
 */
export function roleArnAllowed(roleArn: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    return new RegExp(`^${body}$`).test(roleArn);
  });
}
