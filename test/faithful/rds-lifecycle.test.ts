/** The AWS-faithful layer: an RDS instance's transitions as AWS shows them (harness/faithful/rds-lifecycle.ts). */
import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  ListTagsForResourceCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { failureOf, useFaithfulAws } from './layer-env';
import { createSource, describeDb, SOURCE_REGION, statusesUntil } from './rds-world';

const env = useFaithfulAws({ timing: { rds: { creatingMs: 500, renamingMs: 500, stoppingMs: 500, deletingMs: 500 } } });
const rds = () => env.aws(RDSClient, SOURCE_REGION);
const rename = (from: string, to: string) =>
  rds().send(
    new ModifyDBInstanceCommand({ DBInstanceIdentifier: from, NewDBInstanceIdentifier: to, ApplyImmediately: true }),
  );

describe('AWS-faithful layer: RDS instance transitions', () => {
  test('GIVEN a new instance WHEN it is described until available THEN creating (without an endpoint) first; changes to it are refused until then', async () => {
    const created = await rds().send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'abc-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.medium',
        MasterUsername: 'abc',
        MasterUserPassword: 'not-a-secret-1',
        AllocatedStorage: 20,
      }),
    );

    expect([created.DBInstance?.DBInstanceStatus, created.DBInstance?.Endpoint]).toEqual(['creating', undefined]);
    const busy = await failureOf(rds().send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'abc-db' })));
    expect(busy.name).toBe('InvalidDBInstanceStateFault');
    expect(await statusesUntil(rds(), 'abc-db', (db) => db?.DBInstanceStatus === 'available')).toEqual([
      'creating',
      'available',
    ]);
    expect((await describeDb(rds(), 'abc-db')).Endpoint?.Address).toMatch(/^abc-db\./);
  });

  test('GIVEN an instance WHEN it is renamed THEN renaming under the old name while the new one is NotFound and the old one cannot be reused; then only the new name, tags and all', async () => {
    const oldArn = await createSource(env.moto, 'abc-db');
    await env
      .moto(RDSClient, SOURCE_REGION)
      .send(new AddTagsToResourceCommand({ ResourceName: oldArn, Tags: [{ Key: 'Project', Value: 'abc-dr' }] }));

    await rename('abc-db', 'abc-db-retired-202601010000');

    const during = await describeDb(rds(), 'abc-db');
    expect([during.DBInstanceIdentifier, during.DBInstanceStatus, during.DBInstanceArn]).toEqual([
      'abc-db',
      'renaming',
      oldArn,
    ]);
    expect((await failureOf(describeDb(rds(), 'abc-db-retired-202601010000'))).name).toBe('DBInstanceNotFoundFault');
    const reuse = await failureOf(createSource(env.aws, 'abc-db'));
    expect(reuse.name).toBe('DBInstanceAlreadyExistsFault');
    const seen = await statusesUntil(
      rds(),
      'abc-db-retired-202601010000',
      (db) => db?.DBInstanceStatus === 'available',
    );
    expect(seen).toEqual(['not-found', 'available']);
    expect((await failureOf(describeDb(rds(), 'abc-db'))).name).toBe('DBInstanceNotFoundFault');
    const renamed = await describeDb(rds(), 'abc-db-retired-202601010000');
    expect(renamed.DBInstanceArn).toBe(oldArn.replace(/:db:abc-db$/, ':db:abc-db-retired-202601010000'));
    await rds().send(
      new AddTagsToResourceCommand({
        ResourceName: renamed.DBInstanceArn,
        Tags: [{ Key: 'vpc-peering:retired-by', Value: 'wf' }],
      }),
    );
    const { TagList = [] } = await rds().send(new ListTagsForResourceCommand({ ResourceName: renamed.DBInstanceArn }));
    expect(TagList).toEqual([
      { Key: 'Project', Value: 'abc-dr' },
      { Key: 'vpc-peering:retired-by', Value: 'wf' },
    ]);
    // What re-protection does next: a replica under the old name (CreateDBInstance would trip moto's
    // automated snapshot of the same minute, rds:abc-db-<minute>, which AWS does not have).
    await rds().send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: 'abc-db',
        SourceDBInstanceIdentifier: renamed.DBInstanceArn,
      }),
    );
  });

  test('GIVEN two instances WHEN one is renamed to the name of the other THEN DBInstanceAlreadyExists, and both stay as they were', async () => {
    await createSource(env.moto, 'abc-db');
    await createSource(env.moto, 'abc-db-retired', { BackupRetentionPeriod: 3 });

    const err = await failureOf(rename('abc-db', 'abc-db-retired'));

    expect(err.name).toBe('DBInstanceAlreadyExistsFault');
    const { DBInstances = [] } = await env.moto(RDSClient, SOURCE_REGION).send(new DescribeDBInstancesCommand({}));
    expect(DBInstances.map((db) => [db.DBInstanceIdentifier, db.BackupRetentionPeriod]).sort()).toEqual([
      ['abc-db', 7],
      ['abc-db-retired', 3],
    ]);
  });

  test('GIVEN an available instance WHEN it is stopped THEN stopping, then stopped', async () => {
    await createSource(env.moto, 'abc-db');

    const stopped = await rds().send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'abc-db' }));

    expect(stopped.DBInstance?.DBInstanceStatus).toBe('stopping');
    expect(await statusesUntil(rds(), 'abc-db', (db) => db?.DBInstanceStatus === 'stopped')).toEqual([
      'stopping',
      'stopped',
    ]);
  });

  test('GIVEN an instance WHEN it is deleted THEN deleting (by id and in the list; a second delete refused), then DBInstanceNotFound', async () => {
    await createSource(env.moto, 'abc-db');
    const remove = () =>
      rds().send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'abc-db', SkipFinalSnapshot: true }));

    await remove();

    expect((await describeDb(rds(), 'abc-db')).DBInstanceStatus).toBe('deleting');
    const listed = (await rds().send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
    expect(listed.map((db) => [db.DBInstanceIdentifier, db.DBInstanceStatus])).toEqual([['abc-db', 'deleting']]);
    expect((await failureOf(remove())).name).toBe('InvalidDBInstanceStateFault');
    expect(await statusesUntil(rds(), 'abc-db', (db) => db === undefined)).toEqual(['deleting', 'not-found']);
  });
});
