/**
 * The Service Quotas API (JSON 1.1, target prefix ServiceQuotasV20190624) for tests, where moto
 * falls short: moto answers GetServiceQuota with AWS's defaults for every account and has no
 * GetAWSDefaultServiceQuota. Here an account's applied values are set per quota code; a code
 * without one answers NoSuchResourceException, as AWS does for a quota never changed, and
 * GetAWSDefaultServiceQuota answers AWS's default. `refuse` answers AccessDeniedException to all.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { VPC_QUOTAS } from '../../src/domain/aws/quotas';

export interface ServiceQuotasServer {
  url: string;
  /** Applied values by quota code, e.g. `{ 'L-2AEEBF1A': 40 }`. */
  setApplied(values: Record<string, number>): void;
  refuse(on: boolean): void;
  /** `<operation> <quota code>` of every request, in order. */
  calls: string[];
  close(): Promise<void>;
}

const DEFAULTS = Object.fromEntries(Object.values(VPC_QUOTAS).map((q) => [q.code, q]));

export async function startServiceQuotasServer(): Promise<ServiceQuotasServer> {
  let applied: Record<string, number> = {};
  let refusing = false;
  const calls: string[] = [];
  const send = (res: http.ServerResponse, status: number, body: unknown, errorType?: string) => {
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const operation =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      const { ServiceCode, QuotaCode } = JSON.parse(text || '{}') as { ServiceCode?: string; QuotaCode?: string };
      calls.push(`${operation} ${QuotaCode}`);
      const fail = (type: string, message: string) => send(res, 400, { __type: type, message, Message: message }, type);
      if (refusing) return fail('AccessDeniedException', 'not authorized to perform servicequotas:GetServiceQuota');
      const known = QuotaCode ? DEFAULTS[QuotaCode] : undefined;
      if (ServiceCode !== 'vpc' || !known) return fail('NoSuchResourceException', `no quota ${QuotaCode}`);
      const quota = (value: number) => ({
        Quota: { ServiceCode, QuotaCode, QuotaName: known.name, Value: value, Unit: 'None', Adjustable: true },
      });
      if (operation === 'GetAWSDefaultServiceQuota') return send(res, 200, quota(known.default));
      if (operation !== 'GetServiceQuota') return fail('ValidationException', `unsupported ${operation}`);
      if (applied[QuotaCode!] === undefined)
        return fail('NoSuchResourceException', `no applied value for ${QuotaCode}`);
      return send(res, 200, quota(applied[QuotaCode!]!));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setApplied: (values) => (applied = { ...values }),
    refuse: (on) => (refusing = on),
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
