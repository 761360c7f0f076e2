import { GetProductsCommand } from '@aws-sdk/client-pricing';
import type { TransferRate } from '../../domain/cost/types';
import { fallbackRate, firstTierUsdPerGb } from '../../domain/cost/transfer-rates';
import type { AwsClients } from '../aws/clients';
import { errorName } from '../aws/errors';

/** However Pricing fails to answer (no connection, no reply, retries), a report waits this long at most. */
export const PRICING_DEADLINE_MS = 12_000;

export interface TransferRatesInput {
  directions: Array<{ from: string; to: string }>;
}

export function createPricingActivities(clients: AwsClients) {
  /** One GetProducts per direction; the Pricing API lists inter-region transfer under AWSDataTransfer. */
  async function rateFromPricingApi(from: string, to: string): Promise<TransferRate> {
    const out = await clients.pricing().send(
      new GetProductsCommand({
        ServiceCode: 'AWSDataTransfer',
        FormatVersion: 'aws_v1',
        MaxResults: 10,
        Filters: [
          { Type: 'TERM_MATCH', Field: 'fromRegionCode', Value: from },
          { Type: 'TERM_MATCH', Field: 'toRegionCode', Value: to },
          { Type: 'TERM_MATCH', Field: 'transferType', Value: 'InterRegion Outbound' },
        ],
      }),
      { abortSignal: AbortSignal.timeout(PRICING_DEADLINE_MS) },
    );
    const found = firstTierUsdPerGb((out.PriceList ?? []).map(String));
    if (!found)
      return fallbackRate(from, to, `the Pricing API lists no InterRegion Outbound price for ${from} → ${to}`);
    return {
      from,
      to,
      usdPerGb: found.usdPerGb,
      source: 'pricing-api',
      ...(found.description ? { note: found.description } : {}),
    };
  }

  /**
   * The list price per GB of each direction. When the Pricing API cannot be reached (or refuses),
   * the dated table in src/domain/transfer-rates.ts answers instead, and the rate says so: a report
   * is still useful without a live price, so this activity never fails on Pricing's account.
   */
  async function transferRates(input: TransferRatesInput): Promise<TransferRate[]> {
    return Promise.all(
      input.directions.map(({ from, to }) =>
        rateFromPricingApi(from, to).catch((err: unknown) =>
          fallbackRate(from, to, `the Pricing API could not be reached (${errorName(err)}: ${(err as Error).message})`),
        ),
      ),
    );
  }

  return { transferRates };
}
