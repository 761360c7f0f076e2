/**
 * The database workflows' pure decisions, without a server: request validation, the names a
 * protection gives things, the refusals on what AWS answered, and re-protection's plan.
 */
import { planProtection, protectionConflict, setupNetwork } from '../../src/domain/database/checks';
import {
  drillReplicaName,
  fitsDrillName,
  isRetiredNameOf,
  minuteStamp,
  protectWorkflowId,
  retiredName,
} from '../../src/domain/database/names';
import type { DatabaseFacts, NetworkFacts, ProtectionRequest } from '../../src/domain/database/types';
import { validateProtectionRequest, validateReprotectRequest } from '../../src/domain/database/validate';
import type { SetupRecord } from '../../src/domain/peering/types';

const REQUEST: ProtectionRequest = {
  source: { region: 'us-east-1', dbInstanceIdentifier: 'abc-db' },
  replica: {
    region: 'eu-west-1',
    dbInstanceIdentifier: 'abc-db-replica',
    network: { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] },
  },
};

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

const NETWORK: NetworkFacts = {
  region: 'eu-west-1',
  vpcId: 'vpc-0123456789abcdef0',
  found: true,
  cidrBlocks: ['10.1.0.0/16'],
  subnets: [
    { subnetId: 'subnet-0123456789abcdef0', vpcId: 'vpc-0123456789abcdef0', availabilityZone: 'eu-west-1a' },
    { subnetId: 'subnet-0123456789abcdef1', vpcId: 'vpc-0123456789abcdef0', availabilityZone: 'eu-west-1b' },
  ],
  missingSubnets: [],
};
const WHERE = { subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], peerCidrs: ['10.0.0.0/16'] };

describe('names', () => {
  test('GIVEN a run start WHEN names are derived THEN they carry its UTC minute and fit RDS identifiers', () => {
    const at = new Date('2026-12-07T09:05:59.999Z');

    expect(minuteStamp(at)).toBe('202612070905');
    expect(retiredName('abc-db', at)).toBe('abc-db-retired-202612070905');
    expect(isRetiredNameOf('abc-db-retired-202612070905', 'abc-db')).toBe(true);
    expect(isRetiredNameOf('abc-db-retired-2026', 'abc-db')).toBe(false);
    expect(drillReplicaName('abc-db-replica', at)).toBe('abc-db-replica-drill-202612070905');
    expect(fitsDrillName('x'.repeat(44))).toBe(true);
    expect(fitsDrillName('x'.repeat(45))).toBe(false);
    expect(protectWorkflowId({ region: 'eu-west-1', dbInstanceIdentifier: 'abc-db-replica' })).toBe(
      'protect-eu-west-1-abc-db-replica',
    );
  });
});

describe('request validation', () => {
  test.each([
    ['replica.region', "source's region", { ...REQUEST, replica: { ...REQUEST.replica, region: 'us-east-1' } }],
    ['allowFrom[0]', 'whole internet', { ...REQUEST, allowFrom: ['0.0.0.0/0'] }],
    ['replica.allowFrom[0]', 'whole internet', { ...REQUEST, replica: { ...REQUEST.replica, allowFrom: ['::/0'] } }],
    ['lagTimeout', 'duration', { ...REQUEST, lagTimeout: 'soon' }],
    ['maxLagSeconds', '0 or more', { ...REQUEST, maxLagSeconds: -1 }],
    [
      'replica.dbInstanceIdentifier',
      'identifier',
      { ...REQUEST, replica: { ...REQUEST.replica, dbInstanceIdentifier: '1db' } },
    ],
    [
      'tags.vpc-peering:protection-id',
      'set by the protection',
      { ...REQUEST, tags: { 'vpc-peering:protection-id': 'x' } },
    ],
  ])('GIVEN a bad %s WHEN the request is validated THEN refused: %s', (field, reason, input) => {
    const checked = validateProtectionRequest(input);

    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.error.field).toBe(field);
      expect(checked.error.reason).toContain(reason);
    }
  });

  test('GIVEN allowFrom at the top level WHEN validated THEN it is the replica group list', () => {
    const checked = validateProtectionRequest({ ...REQUEST, allowFrom: ['10.9.0.0/16'] });

    expect(checked.ok && checked.value.replica.allowFrom).toEqual(['10.9.0.0/16']);
  });

  test('GIVEN an old primary whose retired name would pass 63 characters WHEN a re-protection is validated THEN refused', () => {
    const checked = validateReprotectRequest({
      primary: { region: 'eu-west-1', dbInstanceIdentifier: 'abc' },
      oldPrimary: { region: 'us-east-1', dbInstanceIdentifier: `a${'b'.repeat(42)}` },
    });

    expect(checked.ok ? undefined : checked.error.field).toBe('oldPrimary.dbInstanceIdentifier');
  });
});

describe('planProtection', () => {
  test('GIVEN a replicable source and a two-zone network WHEN planned THEN the group admits the port from both sites, class from the source', () => {
    const plan = planProtection(REQUEST, SOURCE, NETWORK, WHERE);

    expect(plan).toEqual({
      ok: true,
      value: expect.objectContaining({
        port: 5432,
        allowFrom: ['10.1.0.0/16', '10.0.0.0/16'],
        dbInstanceClass: 'db.t3.medium',
        subnetGroupName: 'abc-db-replica-subnets',
        securityGroupName: 'abc-db-replica-db',
      }),
    });
  });

  test.each([
    ['missing', null, NETWORK, 'source.dbInstanceIdentifier', 'no DB instance abc-db in us-east-1'],
    ['stopped', { ...SOURCE, status: 'stopped' }, NETWORK, 'source.dbInstanceIdentifier', 'must be available'],
    [
      'backups off',
      { ...SOURCE, backupRetentionPeriod: 0 },
      NETWORK,
      'source.dbInstanceIdentifier',
      'automated backups off',
    ],
    ['encrypted without a key', { ...SOURCE, encrypted: true }, NETWORK, 'replica.kmsKeyId', 'is encrypted'],
    [
      'an engine RDS does not replicate so',
      { ...SOURCE, engine: 'sqlserver-se' },
      NETWORK,
      'source.dbInstanceIdentifier',
      'runs sqlserver-se',
    ],
    [
      'subnets in one zone',
      SOURCE,
      { ...NETWORK, subnets: NETWORK.subnets.map((s) => ({ ...s, availabilityZone: 'eu-west-1a' })) },
      'replica.network.subnetIds',
      'at least two Availability Zones',
    ],
    ['a VPC that does not exist', SOURCE, { ...NETWORK, found: false }, 'replica.network.vpcId', 'not found'],
    [
      'a subnet of another VPC',
      SOURCE,
      { ...NETWORK, subnets: [{ ...NETWORK.subnets[0]!, vpcId: 'vpc-other' }, NETWORK.subnets[1]!] },
      'replica.network.subnetIds',
      'not in vpc-0123456789abcdef0',
    ],
  ])('GIVEN %s WHEN planned THEN refused', (_what, source, network, field, reason) => {
    const plan = planProtection(REQUEST, source, network, WHERE);

    expect(plan.ok).toBe(false);
    if (!plan.ok) expect(plan.error).toEqual({ field, reason: expect.stringContaining(reason) });
  });

  test('GIVEN names taken WHEN checked THEN the conflict names what and whose', () => {
    const ref = { type: 'db-instance' as const, region: 'eu-west-1', id: 'abc-db-replica' };

    expect(
      protectionConflict({ replica: { ref, ours: true, status: 'available', arn: '', promoted: false } }),
    ).toBeUndefined();
    expect(
      protectionConflict({
        replica: { ref, ours: false, owner: 'other', status: 'available', arn: '', promoted: false },
      }),
    ).toContain('made by protection other');
  });
});

describe('setupNetwork', () => {
  const record = (subnets: boolean): SetupRecord => ({
    locator: { setupId: 'abc-corp-peering', requesterRegion: 'us-east-1', accepterRegion: 'eu-west-1' },
    request: {
      requester: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' },
      accepter: { region: 'eu-west-1', cidrBlock: '10.1.0.0/16' },
      allow: [],
    },
    result: {
      peeringConnectionId: 'pcx-0123456789abcdef0',
      status: 'active',
      requester: {
        region: 'us-east-1',
        vpcId: 'vpc-a',
        cidrBlock: '10.0.0.0/16',
        cidrBlocks: ['10.0.0.0/16'],
        routeTableIds: [],
        securityGroupId: 'sg-a',
        networkAclIds: [],
      },
      accepter: {
        region: 'eu-west-1',
        vpcId: 'vpc-b',
        cidrBlock: '10.1.0.0/16',
        cidrBlocks: ['10.1.0.0/16'],
        routeTableIds: [],
        securityGroupId: 'sg-b',
        networkAclIds: [],
      },
      created: subnets
        ? [
            { type: 'subnet', region: 'us-east-1', id: 'subnet-a' },
            { type: 'subnet', region: 'eu-west-1', id: 'subnet-b1' },
            { type: 'subnet', region: 'eu-west-1', id: 'subnet-b2' },
          ]
        : [],
    },
  });

  test("GIVEN a setup with DR subnets WHEN its network is read for eu-west-1 THEN its VPC, those subnets, and the peer's CIDRs", () => {
    expect(setupNetwork(record(true), 'eu-west-1')).toEqual({
      ok: true,
      value: { vpcId: 'vpc-b', subnetIds: ['subnet-b1', 'subnet-b2'], peerCidrs: ['10.0.0.0/16'] },
    });
  });

  test('GIVEN a setup that made no subnets there, or has no side there WHEN read THEN refused on the setup field', () => {
    const none = setupNetwork(record(false), 'eu-west-1');
    const elsewhere = setupNetwork(record(true), 'ap-south-1');

    expect(none.ok ? undefined : none.error.reason).toContain('made no subnets in eu-west-1');
    expect(elsewhere.ok ? undefined : elsewhere.error.reason).toContain('no side in ap-south-1');
  });
});
