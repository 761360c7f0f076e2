/** ReprotectDatabase's plan on what AWS answered, without a server: retire, replicate, nothing to do, or refuse. */
import { planReprotect } from '../../src/domain/database/reprotect';
import type { DatabaseFacts } from '../../src/domain/database/types';

const SOURCE: DatabaseFacts = {
  region: 'us-east-1',
  dbInstanceIdentifier: 'abc-db',
  arn: 'arn:aws:rds:us-east-1:123456789012:db:abc-db',
  status: 'available',
  engine: 'postgres',
  port: 5432,
  dbInstanceClass: 'db.t3.medium',
  backupRetentionPeriod: 7,
  encrypted: false,
  securityGroupIds: ['sg-0aaa'],
  parameterGroup: 'default.postgres16',
  dbSubnetGroup: { name: 'abc-db-subnets', vpcId: 'vpc-0aaa', subnetIds: ['subnet-a', 'subnet-b'] },
  tags: {},
};

describe('planReprotect', () => {
  const REQ = {
    primary: { region: 'eu-west-1', dbInstanceIdentifier: 'abc-db-replica' },
    oldPrimary: { region: 'us-east-1', dbInstanceIdentifier: 'abc-db' },
  };
  const PRIMARY: DatabaseFacts = {
    ...SOURCE,
    region: 'eu-west-1',
    dbInstanceIdentifier: 'abc-db-replica',
    arn: 'arn:aws:rds:eu-west-1:123456789012:db:abc-db-replica',
  };

  test('GIVEN a promoted primary and a standalone old primary WHEN planned THEN retire it, and copy its subnet group, groups, parameter group and class', () => {
    expect(planReprotect(REQ, PRIMARY, SOURCE, null, 'r1')).toEqual({
      ok: true,
      value: {
        kind: 'retire',
        old: SOURCE,
        settings: {
          dbInstanceClass: 'db.t3.medium',
          dbSubnetGroupName: 'abc-db-subnets',
          vpcSecurityGroupIds: ['sg-0aaa'],
          dbParameterGroupName: 'default.postgres16',
        },
      },
    });
  });

  test('GIVEN the old identifier already a replica of the primary WHEN planned THEN nothing to change', () => {
    const replica = { ...SOURCE, source: PRIMARY.arn };

    expect(planReprotect(REQ, PRIMARY, replica, null, 'r1')).toEqual({
      ok: true,
      value: { kind: 'in-place', replica },
    });
  });

  test.each([
    ['a primary still replicating', { ...PRIMARY, source: SOURCE.arn }, SOURCE, 'primary', 'still a read replica'],
    ['a primary with backups off', { ...PRIMARY, backupRetentionPeriod: 0 }, SOURCE, 'primary', 'backups off'],
    [
      'an old primary that replicates from elsewhere',
      PRIMARY,
      { ...SOURCE, source: 'arn:x' },
      'oldPrimary',
      'read replica of arn:x',
    ],
    ['no old primary at all', PRIMARY, null, 'oldPrimary.dbInstanceIdentifier', 'no DB instance abc-db'],
    [
      'an encrypted primary and an old primary without a key',
      { ...PRIMARY, encrypted: true },
      SOURCE,
      'oldPrimary',
      'no KMS key',
    ],
  ])('GIVEN %s WHEN planned THEN refused', (_what, primary, old, field, reason) => {
    const plan = planReprotect(REQ, primary, old, null, 'r1');

    expect(plan.ok ? undefined : plan.error).toEqual({ field, reason: expect.stringContaining(reason) });
  });

  test('GIVEN this re-protection renamed it already WHEN planned again THEN make the replica from the retired settings', () => {
    const retired = { ...SOURCE, dbInstanceIdentifier: 'abc-db-retired-202612070905' };

    expect(planReprotect(REQ, PRIMARY, null, retired, 'r1')).toMatchObject({
      ok: true,
      value: { kind: 'replicate', retired },
    });
  });
});
