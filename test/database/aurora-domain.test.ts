/**
 * The Aurora decisions without a server: the request shapes (exactly one kind of id on both
 * sides), the protection plan's refusals, and the failover's RPO and maxRpoSeconds gate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planClusterProtection } from '../../src/domain/database/cluster-checks';
import type { ClusterFacts, GlobalClusterFacts } from '../../src/domain/database/cluster-types';
import { validateClusterProtectionRequest } from '../../src/domain/database/cluster-validate';
import type { NetworkFacts } from '../../src/domain/database/types';
import { decideCluster, takeClusterPromotion } from '../../src/domain/failover/cluster-promotion';
import { ROOT } from '../../harness/stack';

const example = () =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'protect-aurora.json'), 'utf8')) as Record<string, unknown>;
const ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:abc-aurora';
const DR_ARN = 'arn:aws:rds:eu-west-1:123456789012:cluster:abc-aurora-dr';

const source = (extra: Partial<ClusterFacts> = {}): ClusterFacts => ({
  region: 'us-east-1',
  dbClusterIdentifier: 'abc-aurora',
  arn: ARN,
  status: 'available',
  engine: 'aurora-postgresql',
  engineVersion: '15.4',
  port: 5432,
  encrypted: false,
  members: [{ dbInstanceIdentifier: 'abc-aurora-1', writer: true }],
  securityGroupIds: [],
  tags: {},
  ...extra,
});
const network: NetworkFacts = {
  region: 'eu-west-1',
  vpcId: 'vpc-0123456789abcdef0',
  found: true,
  cidrBlocks: ['10.1.0.0/16'],
  subnets: [
    { subnetId: 'subnet-0000000000000000a', vpcId: 'vpc-0123456789abcdef0', availabilityZone: 'eu-west-1a' },
    { subnetId: 'subnet-0000000000000000b', vpcId: 'vpc-0123456789abcdef0', availabilityZone: 'eu-west-1b' },
  ],
  missingSubnets: [],
};
const where = { subnetIds: network.subnets.map((s) => s.subnetId), peerCidrs: ['10.0.0.0/16'] };
const global = (extra: Partial<GlobalClusterFacts> = {}): GlobalClusterFacts => ({
  globalClusterIdentifier: 'abc-aurora-global',
  arn: 'arn:aws:rds::123456789012:global-cluster:abc-aurora-global',
  status: 'available',
  engine: 'aurora-postgresql',
  engineVersion: '15.4',
  members: [{ arn: ARN, region: 'us-east-1', dbClusterIdentifier: 'abc-aurora', writer: true }],
  ...extra,
});

describe('Aurora requests', () => {
  test('GIVEN examples/protect-aurora.json WHEN checked THEN it is a valid cluster request', () => {
    expect(validateClusterProtectionRequest(example())).toMatchObject({ ok: true });
  });

  test('GIVEN a side naming both an instance and a cluster, or a cluster id too long for its reader THEN refused naming the field', () => {
    const req = example();
    const both = { ...req, source: { ...(req.source as object), dbInstanceIdentifier: 'abc-db' } };
    const long = { ...req, replica: { ...(req.replica as object), dbClusterIdentifier: `a${'b'.repeat(60)}` } };

    expect([validateClusterProtectionRequest(both), validateClusterProtectionRequest(long)]).toEqual([
      { ok: false, error: { field: 'source.dbInstanceIdentifier', reason: expect.stringContaining('exactly one of') } },
      { ok: false, error: { field: 'replica.dbClusterIdentifier', reason: expect.stringContaining('at most 56') } },
    ]);
  });
});

describe('Aurora protection plan', () => {
  const req = () => validateClusterProtectionRequest({ ...example(), globalClusterIdentifier: undefined });
  const plan = (facts: Parameters<typeof planClusterProtection>[1]) => {
    const r = req();
    if (!r.ok) throw new Error('example invalid');
    return planClusterProtection(r.value, facts, network, where);
  };

  test('GIVEN a new source WHEN planned THEN a global cluster <source>-global is made, the group admits the engine port from both sites', () => {
    expect(plan({ source: source(), global: null, members: [] })).toMatchObject({
      ok: true,
      value: {
        globalClusterIdentifier: 'abc-aurora-global',
        globalExists: false,
        port: 5432,
        allowFrom: ['10.1.0.0/16', '10.0.0.0/16'],
        readerInstanceIdentifier: 'abc-aurora-dr-reader',
      },
    });
  });

  test('GIVEN a source already in a global cluster WHEN planned THEN that one is reused', () => {
    const member = source({ globalClusterIdentifier: 'older-global' });
    const g = global({ globalClusterIdentifier: 'older-global' });
    expect(plan({ source: member, global: g, members: [] })).toMatchObject({
      ok: true,
      value: { globalClusterIdentifier: 'older-global', globalExists: true },
    });
  });

  test('GIVEN a MySQL cluster, a source without a writer, a member on another engine version THEN each refused naming why', () => {
    const other = source({ dbClusterIdentifier: 'abc-aurora-west', arn: DR_ARN, engineVersion: '16.1' });
    const results = [
      plan({ source: source({ engine: 'mysql' }), global: null, members: [] }),
      plan({ source: source({ members: [] }), global: null, members: [] }),
      plan({ source: source({ globalClusterIdentifier: 'abc-aurora-global' }), global: global(), members: [other] }),
    ];
    expect(results.map((r) => (r.ok ? 'ok' : r.error.reason))).toEqual([
      expect.stringContaining('runs mysql; a global database is made of Aurora clusters'),
      expect.stringContaining('has no writer instance'),
      expect.stringContaining('engine versions of abc-aurora-global differ (15.4, 16.1)'),
    ]);
  });
});

describe('Aurora failover preflight', () => {
  const cluster = { region: 'eu-west-1', dbClusterIdentifier: 'abc-aurora-dr', maxRpoSeconds: 5 };
  const facts = (lagSeconds: number | null) => ({
    target: { arn: DR_ARN, status: 'available', instances: 1, globalClusterIdentifier: 'abc-aurora-global' },
    global: global({
      members: [
        ...global().members,
        { arn: DR_ARN, region: 'eu-west-1', dbClusterIdentifier: 'abc-aurora-dr', writer: false },
      ],
    }),
    lag: lagSeconds === null ? { lagSeconds } : { lagSeconds, measuredAt: '2026-12-07T00:00:00.000Z' },
  });

  test('GIVEN a lag within, above or without a datapoint WHEN unplanned THEN the RPO is aurora-rpo-lag, gated by maxRpoSeconds', () => {
    const [within, above, unknown] = ([2.5, 9, null] as const).map((l) =>
      decideCluster(cluster, facts(l), { planned: false, drill: false }),
    );

    expect(within).toMatchObject({ problems: [], rpo: { seconds: 2.5, basis: 'aurora-rpo-lag' } });
    expect(above!.problems).toEqual([expect.stringContaining('AuroraGlobalDBRPOLag is 9 s, above maxRpoSeconds 5')]);
    expect(unknown!.problems).toEqual([expect.stringContaining('needs a measured lag')]);
  });

  test('GIVEN a planned run THEN the RPO is 0, drained; GIVEN the target already writing THEN the promotion finds it done', () => {
    const written = facts(9);
    written.global.members = written.global.members.map((m) => ({ ...m, writer: m.arn === DR_ARN }));

    expect(decideCluster(cluster, facts(9), { planned: true, drill: false })).toMatchObject({
      problems: [],
      rpo: { seconds: 0, basis: 'drained' },
    });
    expect(decideCluster(cluster, written, { planned: false, drill: false })).toMatchObject({
      alreadyWriter: true,
      problems: [],
    });
  });

  test('GIVEN promoteReplica naming a cluster with a bad id THEN the field is named', () => {
    expect(takeClusterPromotion({ promoteReplica: { region: 'eu-west-1', dbClusterIdentifier: '1bad' } })).toEqual({
      ok: false,
      error: { field: 'promoteReplica.dbClusterIdentifier', reason: 'must be an Aurora cluster identifier' },
    });
  });
});
