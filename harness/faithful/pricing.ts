/**
 * The Pricing API's GetProducts, which moto lacks: JSON 1.1, target AWSPriceListService, answering
 * `PriceList` as the `aws_v1` JSON documents AWS returns (one string per product), with
 * TERM_MATCH filters on the product attributes and NextToken pages. Tests seed the products.
 */
import { type AwsCall } from '../fault-proxy/call';
import { type Answer } from '../fault-proxy/http';
import { FaithfulApi } from './faithful-api';
import { jsonBody, jsonError, jsonOk } from './json-protocol';

/** An inter-region transfer product of the AWSDataTransfer service. */
export interface TransferProduct {
  fromRegionCode: string;
  toRegionCode: string;
  usdPerGb: number;
  /** @default "InterRegion Outbound" */
  transferType?: string;
  usagetype?: string;
}

interface Filter {
  Type?: string;
  Field?: string;
  Value?: string;
}

const PUBLISHED = '2026-11-01T00:00:00Z';

function sku(p: TransferProduct): string {
  return `SKU${Buffer.from(`${p.fromRegionCode}>${p.toRegionCode}>${p.transferType ?? ''}`)
    .toString('hex')
    .slice(0, 12)}`;
}

/** The product as the Pricing API documents it (aws_v1), with one on-demand price dimension. */
function priceListDocument(p: TransferProduct): string {
  const id = sku(p);
  const attributes = {
    servicecode: 'AWSDataTransfer',
    transferType: p.transferType ?? 'InterRegion Outbound',
    fromRegionCode: p.fromRegionCode,
    fromLocationType: 'AWS Region',
    toRegionCode: p.toRegionCode,
    toLocationType: 'AWS Region',
    usagetype: p.usagetype ?? `${p.fromRegionCode}-${p.toRegionCode}-AWS-Out-Bytes`,
    operation: '',
    servicename: 'AWS Data Transfer',
  };
  const usd = p.usdPerGb.toFixed(10);
  return JSON.stringify({
    product: { productFamily: 'Data Transfer', attributes, sku: id },
    serviceCode: 'AWSDataTransfer',
    terms: {
      OnDemand: {
        [`${id}.JRTCKXETXF`]: {
          priceDimensions: {
            [`${id}.JRTCKXETXF.6YS6EN2CT7`]: {
              unit: 'GB',
              endRange: 'Inf',
              description: `$${p.usdPerGb} per GB - ${p.fromRegionCode} data transfer to ${p.toRegionCode}`,
              appliesTo: [],
              rateCode: `${id}.JRTCKXETXF.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: usd },
            },
          },
          sku: id,
          effectiveDate: PUBLISHED,
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
    },
    version: '20261101000000',
    publicationDate: PUBLISHED,
  });
}

function matches(attributes: Record<string, string>, f: Filter): boolean {
  const value = attributes[f.Field ?? ''] ?? '';
  const wanted = f.Value ?? '';
  switch (f.Type) {
    case 'TERM_MATCH':
    case 'EQUALS':
      return value === wanted;
    case 'CONTAINS':
      return value.includes(wanted);
    case 'ANY_OF':
      return wanted.split(',').includes(value);
    case 'NONE_OF':
      return !wanted.split(',').includes(value);
    default:
      return false;
  }
}

export class PricingApi extends FaithfulApi {
  private products: TransferProduct[] = [];
  /** Every GetProducts body received. */
  readonly requests: Array<Record<string, unknown>> = [];

  setProducts(products: TransferProduct[]): void {
    this.products = [...products];
  }

  clear(): void {
    this.products = [];
    this.requests.length = 0;
  }

  serve(call: AwsCall): Answer | undefined {
    if (call.service !== 'pricing' || call.action !== 'GetProducts') return undefined;
    const body = jsonBody(call);
    this.requests.push(body);
    if (typeof body.ServiceCode !== 'string' || !body.ServiceCode)
      return jsonError(400, 'InvalidParameterException', 'ServiceCode is required');
    const max = body.MaxResults === undefined ? 100 : Number(body.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 100)
      return jsonError(400, 'InvalidParameterException', 'MaxResults must be between 1 and 100');
    const offset = body.NextToken
      ? Number(Buffer.from(typeof body.NextToken === 'string' ? body.NextToken : '', 'base64').toString('utf8'))
      : 0;
    if (!Number.isInteger(offset) || offset < 0)
      return jsonError(400, 'InvalidNextTokenException', 'The NextToken is not valid');
    const filters = (body.Filters as Filter[] | undefined) ?? [];
    const found = (body.ServiceCode === 'AWSDataTransfer' ? this.products : [])
      .map((p) => ({ p, doc: priceListDocument(p) }))
      .filter(({ doc }) => {
        const attributes = (JSON.parse(doc) as { product: { attributes: Record<string, string> } }).product.attributes;
        return filters.every((f) => matches(attributes, f));
      });
    const page = found.slice(offset, offset + max).map((x) => x.doc);
    const next = offset + max < found.length ? Buffer.from(String(offset + max)).toString('base64') : undefined;
    return jsonOk({ FormatVersion: 'aws_v1', PriceList: page, ...(next ? { NextToken: next } : {}) });
  }
}
