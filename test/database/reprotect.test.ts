/**
 * ReprotectDatabase behind the AWS-faithful layer, after a failover promoted the replica: the old
 * primary is renamed, tagged, stopped and kept; a replica of the new primary takes its name and its
 * settings; a second run changes nothing; a lost answer to the rename renames once.
 */
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import type { ProtectionReport } from '../../src/domain/database/types';
import { afterFailover, type AfterFailover } from '../support/database/after-failover';
import { useDatabaseSuite } from '../support/database/suite';
import { instance, instanceIds, SOURCE_REGION } from '../support/database/world';
import { CREDENTIALS, uniqueId } from '../support/harness';

const suite = useDatabaseSuite();
const protect = (request: unknown) => suite.run<ProtectionReport>('ProtectDatabase', request);

const RETIRED = (id: string) => new RegExp(`^${id}-retired-\\d{12}$`);
const retiredOf = async (id: string) => (await instanceIds(SOURCE_REGION)).filter((i) => RETIRED(id).test(i));
/** The instance as the worker sees it: through the layer, which shows a replica in its own region's subnet group. */
const shown = async (id: string) =>
  (
    await new RDSClient({ region: SOURCE_REGION, endpoint: suite.proxy.url, credentials: CREDENTIALS }).send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }),
    )
  ).DBInstances![0]!;

describe('GIVEN a protection whose replica a failover promoted', () => {
  let world: AfterFailover;

  beforeAll(async () => {
    world = await afterFailover('reprotect', 214, protect, suite.proxy.url);
  });

  test('WHEN ReprotectDatabase runs with rename-and-stop THEN the old primary is renamed, tagged, stopped and kept, and a replica of the primary takes its name and settings', async () => {
    const id = uniqueId('reprotect');
    const oldId = world.oldPrimary.dbInstanceIdentifier;
    const started = new Date();

    const report = await suite.run<ProtectionReport>(
      'ReprotectDatabase',
      { primary: world.primary, oldPrimary: world.oldPrimary, retire: 'rename-and-stop', tags: { Project: 'db-test' } },
      id,
    );

    const [retiredId] = await retiredOf(oldId);
    expect(report.retired).toEqual({
      dbInstanceIdentifier: retiredId,
      arn: expect.stringContaining(`:db:${retiredId}`),
      stopped: true,
    });
    const stamp = started.toISOString().replace(/[-:T]/g, '').slice(0, 12);
    expect(Number(retiredId!.slice(-12))).toBeGreaterThanOrEqual(Number(stamp) - 1);
    const retired = (await instance(SOURCE_REGION, retiredId!))!;
    expect(retired.DBInstanceStatus).toBe('stopped');
    expect(retired.TagList).toEqual(expect.arrayContaining([{ Key: 'vpc-peering:retired-by', Value: id }]));
    expect(retired.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();

    const replica = await shown(oldId);
    expect(replica.ReadReplicaSourceDBInstanceIdentifier).toBe(world.primaryArn);
    expect(replica.DBSubnetGroup?.DBSubnetGroupName).toBe(world.old.subnetGroup);
    expect(replica.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual(world.old.groupIds);
    expect(replica.DBParameterGroups?.[0]?.DBParameterGroupName).toBe(world.old.parameterGroup);
    expect(replica.DBInstanceClass).toBe(world.old.dbInstanceClass);
    expect(replica.TagList).toEqual(expect.arrayContaining([{ Key: 'vpc-peering:protection-id', Value: id }]));
    expect(report).toMatchObject({
      source: { ...world.primary, arn: world.primaryArn, engine: 'postgres', port: 5432 },
      replica: { ...world.oldPrimary, dbSubnetGroupName: world.old.subnetGroup, securityGroupIds: world.old.groupIds },
      replicationStatus: 'replicating',
      lagSeconds: 0,
      created: [{ type: 'db-instance', region: SOURCE_REGION, id: oldId }],
    });

    // AND a second run under the same id changes nothing: the old identifier already replicates from the primary
    const again = await suite.callsDuring(() =>
      suite.run<ProtectionReport>(
        'ReprotectDatabase',
        { primary: world.primary, oldPrimary: world.oldPrimary, retire: 'rename-and-stop' },
        id,
      ),
    );

    expect(again.changes).toEqual([]);
    expect(again.result.retired).toEqual(report.retired);
    expect(await retiredOf(oldId)).toEqual([retiredId]);
    expect(again.result.replica.arn).toBe(report.replica.arn);
  });
});

describe('GIVEN another promoted protection', () => {
  test('WHEN the answer to the rename is lost after RDS began it THEN the retry waits for that rename: one retired instance, and the replica made', async () => {
    const world = await afterFailover('lost-rename', 216, protect, suite.proxy.url);
    const oldId = world.oldPrimary.dbInstanceIdentifier;
    suite.proxy.resetStats();
    suite.proxy.setRules([{ kind: 'lose-response', service: 'rds', action: 'ModifyDBInstance', count: 1 }]);

    const report = await suite.run<ProtectionReport>('ReprotectDatabase', {
      primary: world.primary,
      oldPrimary: world.oldPrimary,
    });
    suite.proxy.clearRules();

    expect(suite.proxy.stats().injected['lose-response']).toBe(1);
    const retired = await retiredOf(oldId);
    expect(retired).toHaveLength(1);
    expect(report.retired).toEqual({ dbInstanceIdentifier: retired[0], arn: expect.any(String), stopped: false });
    expect((await instance(SOURCE_REGION, retired[0]!))?.DBInstanceStatus).toBe('available');
    expect((await shown(oldId)).ReadReplicaSourceDBInstanceIdentifier).toBe(world.primaryArn);
  });
});
