/** The AWS-faithful layer: Aurora Global Database as AWS runs it (harness/faithful/global-clusters.ts). */
import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
  DeleteDBClusterCommand,
  DeleteGlobalClusterCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  type GlobalCluster,
  RDSClient,
  RemoveFromGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { regionOutage } from '../../harness/fault-proxy';
import { failureOf, sleep, useFaithfulAws } from './layer-env';

const env = useFaithfulAws({
  timing: { globalCluster: { pendingMs: 300, failingOverMs: 500, promotingMs: 400, resyncMs: 500 } },
});
const [EAST, WEST] = ['us-east-1', 'eu-west-1'];
const arnOf = (region: string, id: string) => `arn:aws:rds:${region}:123456789012:cluster:${id}`;
const PRIMARY = arnOf(EAST, 'abc-aurora');
const SECONDARY = arnOf(WEST, 'abc-aurora-dr');

async function cluster(rds: RDSClient, id: string, extra: { GlobalClusterIdentifier?: string } = {}, instances = 1) {
  await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: id,
      Engine: 'aurora-postgresql',
      ...(extra.GlobalClusterIdentifier ? extra : { MasterUsername: 'abc', MasterUserPassword: 'not-a-secret-1' }),
    }),
  );
  for (let i = 1; i <= instances; i++)
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${id}-${i}`,
        DBClusterIdentifier: id,
        Engine: 'aurora-postgresql',
        DBInstanceClass: 'db.r6g.large',
      }),
    );
}

/** A primary cluster in us-east-1 (made in moto), its global cluster, and a secondary in eu-west-1 with one reader. */
async function globalDatabase(secondaryInstances = 1): Promise<void> {
  await cluster(env.moto(RDSClient, EAST), 'abc-aurora');
  await env
    .aws(RDSClient, EAST)
    .send(
      new CreateGlobalClusterCommand({ GlobalClusterIdentifier: 'abc-global', SourceDBClusterIdentifier: PRIMARY }),
    );
  await cluster(
    env.aws(RDSClient, WEST),
    'abc-aurora-dr',
    { GlobalClusterIdentifier: 'abc-global' },
    secondaryInstances,
  );
}

async function describeGlobal(region = WEST): Promise<GlobalCluster> {
  const out = await env
    .aws(RDSClient, region)
    .send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'abc-global' }));
  return out.GlobalClusters![0]!;
}

const roles = (g: GlobalCluster) =>
  (g.GlobalClusterMembers ?? [])
    .map((m) => [m.DBClusterArn, m.IsWriter ? 'writer' : 'reader', m.SynchronizationStatus])
    .sort();

/** FailoverState statuses seen (none = "-") until `done`, polling every 50 ms. */
async function phasesUntil(done: (g: GlobalCluster) => boolean, ms = 5_000): Promise<string[]> {
  const seen: string[] = [];
  for (const deadline = Date.now() + ms; ; await sleep(50)) {
    const g = await describeGlobal();
    const phase = g.FailoverState?.Status ?? '-';
    if (seen[seen.length - 1] !== phase) seen.push(phase);
    if (done(g)) return seen;
    if (Date.now() > deadline) throw new Error(`never got there; seen ${seen.join(' → ')}`);
  }
}

async function clusterStatusUntil(rds: RDSClient, id: string, status: string, ms = 5_000): Promise<void> {
  for (const deadline = Date.now() + ms; ; await sleep(50)) {
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
    if (out.DBClusters?.[0]?.Status === status) return;
    if (Date.now() > deadline) throw new Error(`${id} is ${out.DBClusters?.[0]?.Status}, never ${status}`);
  }
}

describe('AWS-faithful layer: Aurora Global Database', () => {
  test('GIVEN a cluster with a writer WHEN a global cluster is made from its ARN and a secondary joins THEN the cluster writes and the secondary reads, the same seen from every region', async () => {
    await globalDatabase();

    const views = await Promise.all([EAST, WEST, 'ap-southeast-2'].map((r) => describeGlobal(r).then(roles)));

    const expected = [
      [SECONDARY, 'reader', 'connected'],
      [PRIMARY, 'writer', 'connected'],
    ];
    expect(views).toEqual([expected, expected, expected]);
    const writer = (await describeGlobal()).GlobalClusterMembers!.find((m) => m.IsWriter)!;
    expect(writer.Readers).toEqual([SECONDARY]);
    const dr = (
      await env.aws(RDSClient, WEST).send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'abc-aurora-dr' }))
    ).DBClusters![0]!;
    expect([dr.GlobalClusterIdentifier, dr.DBClusterMembers?.map((m) => m.IsClusterWriter)]).toEqual([
      'abc-global',
      [false],
    ]);
  });

  test('GIVEN no such global cluster WHEN a cluster is created into it THEN GlobalClusterNotFoundFault, and no cluster is made', async () => {
    const err = await failureOf(
      cluster(env.aws(RDSClient, WEST), 'abc-aurora-dr', { GlobalClusterIdentifier: 'no-such-global' }, 0),
    );

    expect(err.name).toBe('GlobalClusterNotFoundFault');
    expect((await env.moto(RDSClient, WEST).send(new DescribeDBClustersCommand({}))).DBClusters).toEqual([]);
  });

  test('GIVEN a healthy global database WHEN it is switched over THEN FailoverState pending, then failing-over, then the secondary writes and the old primary reads, with no data loss', async () => {
    await globalDatabase();

    const started = await env.aws(RDSClient, EAST).send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'abc-global',
        TargetDbClusterIdentifier: SECONDARY,
      }),
    );

    expect(started.GlobalCluster?.FailoverState).toEqual({
      Status: 'pending',
      FromDbClusterArn: PRIMARY,
      ToDbClusterArn: SECONDARY,
      IsDataLossAllowed: false,
    });
    expect(await phasesUntil((g) => !g.FailoverState)).toEqual(['pending', 'failing-over', '-']);
    expect(roles(await describeGlobal())).toEqual([
      [SECONDARY, 'writer', 'connected'],
      [PRIMARY, 'reader', 'connected'],
    ]);
  });

  test("GIVEN the primary's region down WHEN the secondary fails over with AllowDataLoss THEN it writes; the old primary is back as a secondary only once its region answers, after a system snapshot of its old volume that can be copied", async () => {
    await globalDatabase();
    env.layer?.setRules(regionOutage(EAST, ['rds']));
    const west = env.aws(RDSClient, WEST);

    const refused = await failureOf(
      west.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'abc-global',
          TargetDbClusterIdentifier: SECONDARY,
        }),
      ),
    );
    await west.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'abc-global',
        TargetDbClusterIdentifier: SECONDARY,
        AllowDataLoss: true,
      }),
    );

    expect(refused.name).toBe('InvalidGlobalClusterStateFault');
    expect(await phasesUntil((g) => !g.FailoverState)).toEqual(['pending', 'failing-over', '-']);
    await sleep(300);
    expect(roles(await describeGlobal())).toEqual([[SECONDARY, 'writer', 'connected']]);
    env.layer?.clearRules();
    expect(roles(await describeGlobal())).toEqual([
      [SECONDARY, 'writer', 'connected'],
      [PRIMARY, 'reader', 'pending-resync'],
    ]);
    await sleep(600);
    expect(roles(await describeGlobal())).toEqual([
      [SECONDARY, 'writer', 'connected'],
      [PRIMARY, 'reader', 'connected'],
    ]);
    const east = env.aws(RDSClient, EAST);
    const system =
      (await east.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'system' }))).DBClusterSnapshots ?? [];
    expect(system.map((s) => [s.DBClusterIdentifier, s.SnapshotType])).toEqual([['abc-aurora', 'system']]);
    expect(system[0]!.DBClusterSnapshotIdentifier).toMatch(
      /^rds:unplanned-global-failover-abc-aurora-\d{4}-\d\d-\d\d-\d\d-\d\d$/,
    );
    await east.send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: system[0]!.DBClusterSnapshotIdentifier,
        TargetDBClusterSnapshotIdentifier: 'abc-lost-writes',
      }),
    );
    const manual =
      (await east.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual' }))).DBClusterSnapshots ?? [];
    expect(manual.map((s) => s.DBClusterSnapshotIdentifier)).toEqual(['abc-lost-writes']);
  });

  test('GIVEN a secondary without an instance, or already the writer WHEN a switchover to it is asked THEN refused, and nothing starts', async () => {
    await globalDatabase(0);
    const switchTo = (arn: string) =>
      failureOf(
        env.aws(RDSClient, EAST).send(
          new SwitchoverGlobalClusterCommand({
            GlobalClusterIdentifier: 'abc-global',
            TargetDbClusterIdentifier: arn,
          }),
        ),
      );

    const [headless, writer] = [await switchTo(SECONDARY), await switchTo(PRIMARY)];

    expect([headless.name, writer.name]).toEqual(['InvalidDBClusterStateFault', 'InvalidGlobalClusterStateFault']);
    expect((await describeGlobal()).FailoverState).toBeUndefined();
  });

  test('GIVEN a secondary WHEN it is deleted THEN refused while a member; removed, it is promoting, then a standalone writer; the global cluster, not empty, cannot be deleted', async () => {
    await globalDatabase();
    const west = env.aws(RDSClient, WEST);
    await clusterStatusUntil(west, 'abc-aurora-dr', 'available');
    const remove = () =>
      west.send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'abc-aurora-dr', SkipFinalSnapshot: true }));

    const whileMember = await failureOf(remove());
    await west.send(
      new RemoveFromGlobalClusterCommand({ GlobalClusterIdentifier: 'abc-global', DbClusterIdentifier: SECONDARY }),
    );
    const detached = (await west.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'abc-aurora-dr' })))
      .DBClusters![0]!;

    expect(whileMember.message).toBe(
      'This cluster is a part of a global cluster, please remove it from globalcluster first',
    );
    expect([detached.Status, detached.GlobalClusterIdentifier]).toEqual(['promoting', undefined]);
    expect(roles(await describeGlobal())).toEqual([[PRIMARY, 'writer', 'connected']]);
    const notEmpty = await failureOf(
      west.send(new DeleteGlobalClusterCommand({ GlobalClusterIdentifier: 'abc-global' })),
    );
    expect(notEmpty.name).toBe('InvalidGlobalClusterStateFault');
    await sleep(500);
    const standalone = (await west.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'abc-aurora-dr' })))
      .DBClusters![0]!;
    expect([standalone.Status, standalone.DBClusterMembers?.map((m) => m.IsClusterWriter)]).toEqual([
      'available',
      [true],
    ]);
  });
});
