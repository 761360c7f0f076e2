/**
 * The CLI's default workflow ids, derived from what a command acts on, so that running the same
 * command again lands on the same id: Temporal then refuses a second concurrent run, and a run
 * after a closed one finds that run's work (setups and protections tag what they make with the id).
 */
import { fnv1a } from '../domain/hash';

/**
 * Short enough for every place an id ends up: Temporal's ids (1,000 bytes), the setup and mesh tag
 * values (256 characters), and a mesh pair's child id, `<mesh id>--<a>--<b>`.
 */
export const DEFAULT_ID_MAX = 120;

/** Letters, digits, dots and dashes; anything else becomes one dash. */
export function slug(text: string): string {
  return text
    .replace(/[^A-Za-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/\.+$/, '');
}

/** The parts joined with dashes; past DEFAULT_ID_MAX, cut and made unique again by a hash of the whole. */
export function fitId(parts: string[]): string {
  const full = parts.map(slug).filter(Boolean).join('-');
  if (full.length <= DEFAULT_ID_MAX) return full;
  const hash = fnv1a(full).toString(16).padStart(8, '0');
  return `${full.slice(0, DEFAULT_ID_MAX - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

interface Side {
  region: string;
  cidrBlock?: string;
  vpcId?: string;
  roleArn?: string;
}

/** The account of a side in another account, from its role's ARN: the same CIDRs there are another network. */
const accountOf = (roleArn: string | undefined) => /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn ?? '')?.[1];

function sideParts(side: Side): string[] {
  const account = accountOf(side.roleArn);
  return [side.region, side.vpcId ?? side.cidrBlock ?? '', ...(account ? [account] : [])];
}

/** `peering-us-east-1-10.0.0.0-16-eu-west-1-10.1.0.0-16`: the two sides, requester first. */
export function setupDefaultId(req: { requester: Side; accepter: Side }): string {
  return fitId(['peering', ...sideParts(req.requester), ...sideParts(req.accepter)]);
}

/**
 * `mesh-use1-euw1-<hash>`: the member keys, readable, and a hash of every member (key, region, CIDR or
 * VPC). A mesh grown by one VPC is another set of members: pass the first run's id with `--id`.
 */
export function meshDefaultId(req: { vpcs: Record<string, Side> }): string {
  const keys = Object.keys(req.vpcs).sort();
  const members = keys.map((k) => [k, ...sideParts(req.vpcs[k]!)].join(':')).join(',');
  const hash = fnv1a(members).toString(16).padStart(8, '0');
  return fitId(['mesh', ...keys.slice(0, 6), ...(keys.length > 6 ? [`and-${keys.length - 6}`] : []), hash]);
}

/** `failover-Z123-app.abc.example-us-east-1-to-eu-west-1` (`failover-drill-…` for a drill). */
export function failoverDefaultId(req: {
  hostedZoneId: string;
  recordName: string;
  from: { region: string };
  to: { region: string };
  drill?: boolean;
}): string {
  const zone = req.hostedZoneId.replace(/^\/?hostedzone\//, '');
  return fitId([req.drill ? 'failover-drill' : 'failover', zone, req.recordName, req.from.region, 'to', req.to.region]);
}

interface DbRef {
  region: string;
  dbInstanceIdentifier?: string;
  dbClusterIdentifier?: string;
}

const dbParts = (ref: DbRef) => [ref.region, ref.dbInstanceIdentifier ?? ref.dbClusterIdentifier ?? ''];

/** `reprotect-eu-west-1-abc-db-replica-into-us-east-1-abc-db`: the new primary, then the old one it replicates into. */
export function reprotectDefaultId(req: { primary: DbRef; oldPrimary: DbRef }): string {
  return fitId(['reprotect', ...dbParts(req.primary), 'into', ...dbParts(req.oldPrimary)]);
}
