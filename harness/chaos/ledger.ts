/**
 * What AWS really did, as moto saw it: a pass-through between the fault proxy and moto that writes
 * down every data write moto accepted (HTTP 200), including those whose answer the fault proxy then
 * threw away or whose caller was SIGKILLed. The data audit counts switches and promotions here:
 * moto keeps no Route 53 change history, and it leaves a promoted replica naming its source.
 */
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { changesOf } from '../faithful/route53-changes';
import { describeCall } from '../fault-proxy/call';
import { forward, readBody, send } from '../fault-proxy/http';

/** The RDS writes the ledger keeps. */
const RDS_WRITES = new Set([
  'CreateDBInstanceReadReplica',
  'PromoteReadReplica',
  'ModifyDBInstance',
  'DeleteDBInstance',
]);
const CHANGE_BATCH = /^POST \/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/;

export type LedgerEntry =
  | {
      kind: 'rds';
      at: number;
      region: string;
      action: string;
      dbInstanceIdentifier: string;
      /** ModifyDBInstance's rename. */
      newDbInstanceIdentifier?: string;
    }
  | {
      kind: 'route53';
      at: number;
      hostedZoneId: string;
      changes: Array<{ action: string; name: string; type: string; values: string[] }>;
    };

export interface Ledger {
  url: string;
  entries(): LedgerEntry[];
  close(): Promise<void>;
}

/** The entry for a call moto accepted, or undefined for anything the ledger does not keep. */
export function ledgerEntryOf(call: ReturnType<typeof describeCall>, at: number): LedgerEntry | undefined {
  if (call.service === 'rds' && RDS_WRITES.has(call.action)) {
    const newId = call.params.get('NewDBInstanceIdentifier');
    return {
      kind: 'rds',
      at,
      region: call.region ?? '',
      action: call.action,
      dbInstanceIdentifier: call.params.get('DBInstanceIdentifier') ?? '',
      ...(newId ? { newDbInstanceIdentifier: newId } : {}),
    };
  }
  const zone = CHANGE_BATCH.exec(call.action)?.[1];
  if (call.service === 'route53' && zone) {
    return {
      kind: 'route53',
      at,
      hostedZoneId: zone,
      changes: changesOf(call.body ?? '').map((c) => ({
        action: c.action,
        name: (c.set.Name ?? '').toLowerCase(),
        type: c.set.Type ?? '',
        values: (c.set.ResourceRecords ?? []).map((r) => r.Value ?? ''),
      })),
    };
  }
  return undefined;
}

export async function startLedger(target: string): Promise<Ledger> {
  const upstream = new URL(target);
  const kept: LedgerEntry[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const answer = await forward(upstream, req, body);
      if (answer.status === 200) {
        const entry = ledgerEntryOf(describeCall(req, body), Date.now());
        if (entry) kept.push(entry);
      }
      send(res, answer);
    })().catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`ledger: upstream failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    entries: () => kept.map((e) => structuredClone(e)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
