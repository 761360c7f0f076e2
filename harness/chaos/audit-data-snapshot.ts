/**
 * What the data audit reads once every run has closed: the instances of both regions as the
 * AWS-faithful layer shows them (only the layer knows a promoted replica no longer names its
 * source; the fault proxy's rules lose no read), each run's record straight from moto, and the
 * ledger of the writes moto accepted.
 */
import { paginateDescribeDBInstances, RDSClient } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { DataSnapshot, SeenInstance } from './audit-data';
import type { DataRunRecord } from './data-run';
import { DATA_REGIONS } from './data-world';
import type { Ledger } from './ledger';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

async function instancesIn(layerUrl: string, region: string): Promise<SeenInstance[]> {
  const client = new RDSClient({ region, endpoint: layerUrl, credentials: CREDENTIALS, maxAttempts: 8 });
  try {
    const out: SeenInstance[] = [];
    for await (const page of paginateDescribeDBInstances({ client }, {}))
      for (const db of page.DBInstances ?? [])
        out.push({
          region,
          id: db.DBInstanceIdentifier ?? '',
          status: db.DBInstanceStatus ?? '',
          ...(db.ReadReplicaSourceDBInstanceIdentifier ? { replicaOf: db.ReadReplicaSourceDBInstanceIdentifier } : {}),
        });
    return out;
  } finally {
    client.destroy();
  }
}

async function recordValues(motoUrl: string, run: DataRunRecord): Promise<string[]> {
  const r53 = new Route53Client({ region: 'us-east-1', endpoint: motoUrl, credentials: CREDENTIALS, maxAttempts: 5 });
  try {
    const name = run.world.recordName.toLowerCase();
    const out = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: run.world.hostedZoneId }));
    return (out.ResourceRecordSets ?? [])
      .filter((s) => s.Name?.toLowerCase() === name && s.Type === 'CNAME')
      .flatMap((s) => (s.ResourceRecords ?? []).map((r) => r.Value ?? ''));
  } finally {
    r53.destroy();
  }
}

export async function snapshotData(
  runs: DataRunRecord[],
  o: { layerUrl: string; motoUrl: string; ledger: Ledger },
): Promise<DataSnapshot> {
  const [instances, values] = await Promise.all([
    Promise.all(DATA_REGIONS.map((r) => instancesIn(o.layerUrl, r))).then((lists) => lists.flat()),
    Promise.all(runs.map((run) => recordValues(o.motoUrl, run))),
  ]);
  const records = Object.fromEntries(runs.map((run, i) => [run.world.hostedZoneId, values[i]!]));
  return { instances, records, ledger: o.ledger.entries() };
}
