/**
 * The demo's database, on the embedded local stack only: a PostgreSQL source `abc-db` in us-east-1
 * (made once; a second demo finds it), and a `ReplicaLag` datapoint for its replica in eu-west-1,
 * which the stack does not publish by itself (as moto does not). Refuses any endpoint that is not
 * the stack's own: it never creates a database on real AWS.
 *
 *   npx ts-node --transpile-only scripts/demo-database.ts http://127.0.0.1:5000
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  waitUntilDBInstanceAvailable,
} from '@aws-sdk/client-rds';

const SOURCE = { region: 'us-east-1', id: 'abc-db' };
const REPLICA = { region: 'eu-west-1', id: 'abc-db-replica' };
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Loopback, and moto's own API answering behind it: the embedded stack, not AWS. */
async function assertLocalStack(endpoint: string): Promise<void> {
  const url = new URL(endpoint);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    throw new Error(`${endpoint} is not the local stack (loopback only); the demo makes no database elsewhere`);
  const probe = await fetch(new URL('/moto-api/', url)).catch(() => undefined);
  if (!probe?.ok) throw new Error(`${endpoint} does not answer moto's /moto-api/: not the embedded stack`);
}

async function main(): Promise<void> {
  const endpoint = process.argv[2] ?? 'http://127.0.0.1:5000';
  await assertLocalStack(endpoint);
  const rds = new RDSClient({ region: SOURCE.region, endpoint, credentials: CREDENTIALS });
  const found = await rds
    .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: SOURCE.id }))
    .then((out) => out.DBInstances?.[0])
    .catch((err: Error) => {
      if (err.name === 'DBInstanceNotFoundFault') return undefined;
      throw err;
    });
  if (found) console.log(`source ${SOURCE.id} (${SOURCE.region}) is there: ${found.DBInstanceStatus}`);
  else {
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: SOURCE.id,
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.medium',
        AllocatedStorage: 20,
        MasterUsername: 'abc',
        // The emulator's; a real database would take its password from a secret, never from a script.
        MasterUserPassword: 'local-stack-only',
        BackupRetentionPeriod: 7,
        Tags: [{ Key: 'Project', Value: 'abc-dr' }],
      }),
    );
    console.log(`source ${SOURCE.id} (${SOURCE.region}) created: PostgreSQL, automated backups on`);
  }
  // A new instance is `creating` for a while (seconds on the stack, minutes on AWS); protection needs it available.
  await waitUntilDBInstanceAvailable(
    { client: rds, minDelay: 1, maxDelay: 2, maxWaitTime: 120 },
    { DBInstanceIdentifier: SOURCE.id },
  );
  await new CloudWatchClient({ region: REPLICA.region, endpoint, credentials: CREDENTIALS }).send(
    new PutMetricDataCommand({
      Namespace: 'AWS/RDS',
      MetricData: [
        {
          MetricName: 'ReplicaLag',
          Dimensions: [{ Name: 'DBInstanceIdentifier', Value: REPLICA.id }],
          Timestamp: new Date(),
          Value: 1,
          Unit: 'Seconds',
        },
      ],
    }),
  );
  console.log(`ReplicaLag 1 s put for ${REPLICA.id} (${REPLICA.region}): RDS would publish it once it replicates`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
