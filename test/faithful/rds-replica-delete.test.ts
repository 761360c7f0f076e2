/** The AWS-faithful layer: deleting a cross-region read replica (harness/faithful/rds-replica-delete.ts). */
import {
  CreateDBInstanceReadReplicaCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { failureOf, useFaithfulAws } from './layer-env';
import { createSource, describeDb, REPLICA_REGION, SOURCE_REGION } from './rds-world';

const env = useFaithfulAws({ timing: { rds: { creatingMs: 0, deletingMs: 300 } } });

async function replicaOf(source: string): Promise<string> {
  const out = await env.aws(RDSClient, REPLICA_REGION).send(
    new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: 'abc-db-replica',
      SourceDBInstanceIdentifier: source,
    }),
  );
  return out.DBInstance!.DBInstanceArn!;
}

const listedReplicas = async () =>
  (await describeDb(env.aws(RDSClient, SOURCE_REGION), 'abc-db')).ReadReplicaDBInstanceIdentifiers ?? [];

describe('AWS-faithful layer: deleting a cross-region read replica', () => {
  test('GIVEN a cross-region replica WHEN it is deleted THEN the delete is accepted, it is deleting, then gone, and its source no longer lists it', async () => {
    const source = await createSource(env.moto);
    const arn = await replicaOf(source);
    expect(await listedReplicas()).toEqual([arn]);
    const rds = env.aws(RDSClient, REPLICA_REGION);

    const out = await rds.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'abc-db-replica', SkipFinalSnapshot: true }),
    );

    expect(out.DBInstance?.DBInstanceIdentifier).toBe('abc-db-replica');
    expect((await describeDb(rds, 'abc-db-replica')).DBInstanceStatus).toBe('deleting');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const gone = await failureOf(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'abc-db-replica' })));
    expect(gone.name).toBe('DBInstanceNotFoundFault');
    expect(await listedReplicas()).toEqual([]);
    expect((await describeDb(env.aws(RDSClient, SOURCE_REGION), 'abc-db')).DBInstanceStatus).toBe('available');
  });

  test('GIVEN a deleted replica WHEN a new one is made under its name THEN the source lists it again', async () => {
    const source = await createSource(env.moto);
    await replicaOf(source);
    const rds = env.aws(RDSClient, REPLICA_REGION);
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'abc-db-replica', SkipFinalSnapshot: true }));
    await new Promise((resolve) => setTimeout(resolve, 400));

    const arn = await replicaOf(source);

    expect(await listedReplicas()).toEqual([arn]);
  });
});
