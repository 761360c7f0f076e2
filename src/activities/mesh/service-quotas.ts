import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  type ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import {
  QUOTA_NAMES,
  SERVICE_QUOTAS_VPC,
  VPC_QUOTAS,
  type QuotaValue,
  type RegionQuotas,
} from '../../domain/aws/quotas';
import { errorName } from '../aws/errors';

/** Service Quotas is a planning aid: a region where it does not answer in time is planned with AWS's defaults. */
const ANSWER_WITHIN_MS = 5000;

const NO_APPLIED_VALUE = 'NoSuchResourceException';

async function valueOf(client: ServiceQuotasClient, quotaCode: string): Promise<Omit<QuotaValue, 'note'>> {
  const input = { ServiceCode: SERVICE_QUOTAS_VPC, QuotaCode: quotaCode };
  const bounded = () => ({ abortSignal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
  try {
    const out = await client.send(new GetServiceQuotaCommand(input), bounded());
    if (typeof out.Quota?.Value === 'number') return { value: out.Quota.Value, source: 'service-quotas' };
  } catch (err) {
    // An account that never changed a quota has no applied value: AWS's default for it applies.
    if (errorName(err) !== NO_APPLIED_VALUE) throw err;
  }
  const out = await client.send(new GetAWSDefaultServiceQuotaCommand(input), bounded());
  if (typeof out.Quota?.Value !== 'number') throw new Error(`no value for ${quotaCode}`);
  return { value: out.Quota.Value, source: 'aws-default' };
}

/**
 * The account's value of each quota in the client's region: the applied value where Service
 * Quotas has one, else AWS's default from Service Quotas, else the built-in default with the
 * reason (no permission, no answer).
 */
export async function readVpcQuotas(client: ServiceQuotasClient): Promise<RegionQuotas> {
  const values = await Promise.all(
    QUOTA_NAMES.map(async (name): Promise<QuotaValue> => {
      try {
        return await valueOf(client, VPC_QUOTAS[name].code);
      } catch (err) {
        const note = `Service Quotas did not answer for ${VPC_QUOTAS[name].code}: ${errorName(err)}: ${(err as Error).message}`;
        return { value: VPC_QUOTAS[name].default, source: 'built-in', note };
      }
    }),
  );
  return Object.fromEntries(QUOTA_NAMES.map((name, i) => [name, values[i]!])) as RegionQuotas;
}
