import { AWS_REGIONS } from '../net/regions';

/**
 * The short region codes of AWS billing (AWS docs, "Region billing codes"), which usage types
 * such as `USE1-EU-AWS-Out-Bytes` are made of. Most are regular; eu-west-1 is plain `EU`, and
 * the Asia Pacific numbers follow launch order, not the region name (ap-south-1 is APS3).
 */
export const BILLING_CODES: Readonly<Record<string, string>> = {
  'us-east-1': 'USE1',
  'us-east-2': 'USE2',
  'us-west-1': 'USW1',
  'us-west-2': 'USW2',
  'af-south-1': 'AFS1',
  'ap-east-1': 'APE1',
  'ap-east-2': 'APE2',
  'ap-south-1': 'APS3',
  'ap-south-2': 'APS5',
  'ap-southeast-1': 'APS1',
  'ap-southeast-2': 'APS2',
  'ap-southeast-3': 'APS4',
  'ap-southeast-4': 'APS6',
  'ap-southeast-5': 'APS7',
  'ap-southeast-6': 'APS8',
  'ap-southeast-7': 'APS9',
  'ap-northeast-1': 'APN1',
  'ap-northeast-2': 'APN2',
  'ap-northeast-3': 'APN3',
  'ca-central-1': 'CAN1',
  'ca-west-1': 'CAN2',
  'eu-central-1': 'EUC1',
  'eu-central-2': 'EUC2',
  'eu-west-1': 'EU',
  'eu-west-2': 'EUW2',
  'eu-west-3': 'EUW3',
  'eu-south-1': 'EUS1',
  'eu-south-2': 'EUS2',
  'eu-north-1': 'EUN1',
  'il-central-1': 'ILC1',
  'me-south-1': 'MES1',
  'me-central-1': 'MEC1',
  'mx-central-1': 'MXC1',
  'sa-east-1': 'SAE1',
  'us-gov-east-1': 'UGE1',
  'us-gov-west-1': 'UGW1',
  'cn-north-1': 'CNN1',
  'cn-northwest-1': 'CNW1',
};

export function billingCode(region: string): string {
  const code = BILLING_CODES[region];
  if (!code) throw new Error(`no billing code for ${region}; add it to BILLING_CODES`);
  return code;
}

/** Regions in src/domain/net/regions.ts without a billing code: empty, or a new region was added there only. */
export function regionsWithoutBillingCode(): string[] {
  return AWS_REGIONS.filter((r) => !BILLING_CODES[r]);
}

/** Where a usage type's bytes went, and which account side billed them. */
export interface UsageTypeRole {
  usageType: string;
  from: string;
  to: string;
  /** `out`: billed by the sending region; `in`: the same bytes as the receiving region saw them. */
  side: 'out' | 'in';
  /** The CUR form without a destination: it names only the sending region. */
  undirected: boolean;
}

/**
 * The inter-region data-transfer usage types of a region pair, in both billing-code forms:
 * `<src>-<dst>-AWS-Out-Bytes` with `<dst>-<src>-AWS-In-Bytes` for each direction, and the CUR form
 * `<src>-AWS-Out-Bytes` that names no destination (VPC-peering traffic). Nothing else counts:
 * another destination (`USE1-APN1-AWS-Out-Bytes`) or intra-region transfer is left out.
 */
export function pairUsageTypes(a: string, b: string): UsageTypeRole[] {
  const direction = (from: string, to: string): UsageTypeRole[] => {
    const src = billingCode(from);
    const dst = billingCode(to);
    return [
      { usageType: `${src}-${dst}-AWS-Out-Bytes`, from, to, side: 'out', undirected: false },
      { usageType: `${dst}-${src}-AWS-In-Bytes`, from, to, side: 'in', undirected: false },
      { usageType: `${src}-AWS-Out-Bytes`, from, to, side: 'out', undirected: true },
    ];
  };
  return [...direction(a, b), ...direction(b, a)];
}
