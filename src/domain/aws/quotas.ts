/**
 * The Amazon VPC quotas a peering plan runs into (VPC user guide, "Amazon VPC quotas"), with their
 * Service Quotas codes. The defaults are AWS's; an account's own values, where the Service Quotas
 * API answers, replace them. One home for these numbers: the setup's validation and the mesh
 * planner both read them here.
 */

export type QuotaName = 'peerings' | 'routes' | 'groupRules' | 'naclEntries';

export interface QuotaDefinition {
  /** The Service Quotas code, in service `vpc`. */
  code: string;
  /** AWS's name for it. */
  name: string;
  /** AWS's default for a new account. */
  default: number;
  /** The most AWS grants on request. */
  max: number;
  /** How the figure is counted, as the plan table says it. */
  counted: string;
}

export const SERVICE_QUOTAS_VPC = 'vpc';

export const VPC_QUOTAS: Record<QuotaName, QuotaDefinition> = {
  peerings: {
    code: 'L-7E9ECCDB',
    name: 'Active VPC peering connections per VPC',
    default: 50,
    max: 125,
    counted: 'per VPC; pending and provisioning ones count, since they become active',
  },
  routes: {
    code: 'L-93826ACB',
    name: 'Routes per route table',
    default: 50,
    max: 1000,
    counted: 'non-propagated IPv4 routes per table, the local route included (IPv6 is counted apart)',
  },
  groupRules: {
    code: 'L-0EA8095F',
    name: 'Inbound or outbound rules per security group',
    default: 60,
    max: 1000,
    counted: 'per group and direction; each pair has its own peering-<pcx> group on each side',
  },
  naclEntries: {
    code: 'L-2AEEBF1A',
    name: 'Rules per network ACL',
    default: 20,
    max: 40,
    counted: 'IPv4 entries per ACL and direction, the default deny (32767) included',
  },
};

export const QUOTA_NAMES = Object.keys(VPC_QUOTAS) as QuotaName[];

/** Where a quota's value came from. */
export type QuotaSource = 'service-quotas' | 'aws-default' | 'built-in';

export interface QuotaValue {
  value: number;
  source: QuotaSource;
  /** Why the built-in default was used (Service Quotas refused or did not answer). */
  note?: string;
}

/** One region's (and account's) values for each quota. */
export type RegionQuotas = Record<QuotaName, QuotaValue>;

/** AWS's defaults, for a region where Service Quotas could not be asked. */
export function builtInQuotas(note?: string): RegionQuotas {
  const out = {} as RegionQuotas;
  for (const name of QUOTA_NAMES)
    out[name] = { value: VPC_QUOTAS[name].default, source: 'built-in', ...(note ? { note } : {}) };
  return out;
}

/** Two accounts' values in one region: the lower of each quota is the one a plan must keep to. */
export function lowerQuotas(a: RegionQuotas, b: RegionQuotas): RegionQuotas {
  const out = {} as RegionQuotas;
  for (const name of QUOTA_NAMES) out[name] = a[name].value <= b[name].value ? a[name] : b[name];
  return out;
}

/** At or past this share of a quota a figure is marked tight. */
export const TIGHT_SHARE = 0.8;

/** AWS's limit on outstanding (unaccepted) peering requests per VPC; a mesh never has more running at once. */
export const OUTSTANDING_PEERING_REQUESTS = 25;
