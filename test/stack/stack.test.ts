import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ChangeResourceRecordSetsCommand,
  type Change,
  CreateHostedZoneCommand,
  GetChangeCommand,
  ListHostedZonesCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
  DescribeGlobalClustersCommand,
  CreateDBInstanceReadReplicaCommand,
  DescribeDBInstancesCommand,
  type DBInstance,
  PromoteReadReplicaCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { Client, Connection } from '@temporalio/client';
import { testEnv } from '../support/env';
import { freePort, ROOT, SEARCH_ATTRIBUTES, startTemporalDevServer } from '../../harness/stack';

describe('local stack started by jest global setup', () => {
  it("GIVEN the run's Temporal dev server WHEN its search attributes are listed THEN the project's custom attributes are registered as Keyword", async () => {
    const { temporalAddress } = testEnv();
    const connection = await Connection.connect({ address: temporalAddress });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();

      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });

      for (const name of SEARCH_ATTRIBUTES) {
        expect({ name, type: customAttributes?.[name] }).toEqual({ name, type: 2 /* INDEXED_VALUE_TYPE_KEYWORD */ });
      }
    } finally {
      await connection.close();
    }
  });

  it("GIVEN the run's Temporal dev server WHEN its Web UI is fetched THEN it answers 200", async () => {
    const { temporalUiUrl } = testEnv();

    const res = await fetch(`${temporalUiUrl}/`);
    await res.body?.cancel();

    expect(res.status).toBe(200);
  });

  it("GIVEN the run's moto server WHEN /moto-api/ is fetched THEN it answers 200", async () => {
    const { motoUrl } = testEnv();

    const res = await fetch(`${motoUrl}/moto-api/`);
    await res.body?.cancel();

    expect(res.status).toBe(200);
  });
});

describe('startTemporalDevServer restart', () => {
  it('GIVEN a dev server with a running workflow WHEN it is killed with SIGKILL and restarted THEN the workflow is still there on the same address', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-test-'));
    const server = await startTemporalDevServer({ dbFile: path.join(dir, 'temporal.db') });
    try {
      const workflowId = `stack-sanity-${Date.now()}`;
      let connection = await Connection.connect({ address: server.address });
      // No worker polls this queue, so the workflow simply stays Running.
      await new Client({ connection }).workflow.start('NoSuchWorkflow', {
        taskQueue: 'stack-sanity',
        workflowId,
        args: [],
      });
      await connection.close();
      const firstPid = server.pid;

      await server.stop({ signal: 'SIGKILL' });
      await server.restart();

      expect(server.pid).not.toBe(firstPid);
      connection = await Connection.connect({ address: server.address });
      try {
        const description = await new Client({ connection }).workflow.getHandle(workflowId).describe();
        expect(description.status.name).toBe('RUNNING');
      } finally {
        await connection.close();
      }
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The stack's AWS endpoint, started by scripts/stack.sh itself (STACK_ONLY=aws) on free ports and a
 * data dir of its own, so that a developer's stack on 5000 is left alone: the same script and
 * settings that `npm run stack:up` uses for 127.0.0.1:5000.
 */
describe('the local stack AWS endpoint (scripts/stack.sh)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-aws-'));
  const ports = { aws: 0, moto: 0 };
  const stack = (command: string, mode?: string) => {
    const env = { ...process.env, STACK_ONLY: 'aws', STACK_DATA_DIR: dataDir, STACK_AWS_PORT: `${ports.aws}` };
    const run = spawnSync('bash', [path.join(ROOT, 'scripts', 'stack.sh'), command], {
      env: { ...env, STACK_MOTO_PORT: `${ports.moto}`, ...(mode ? { STACK_AWS: mode } : { STACK_AWS: '' }) },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status !== 0) throw new Error(`stack.sh ${command} failed (${run.status}): ${run.stdout}${run.stderr}`);
    return run.stdout;
  };
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const at = (port: number) => `http://127.0.0.1:${port}`;
  const r53 = (port = ports.aws) => new Route53Client({ region: 'us-east-1', endpoint: at(port), credentials });
  const rds = (region: string) => new RDSClient({ region, endpoint: at(ports.aws), credentials });
  const record = (Action: Change['Action'], value: string): Change => ({
    Action,
    ResourceRecordSet: { Name: 'app.abc.example.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: value }] },
  });
  async function zoneWithRecord(port = ports.aws): Promise<string> {
    const zone = await r53(port).send(
      new CreateHostedZoneCommand({ Name: 'abc.example.', CallerReference: `${Date.now()}` }),
    );
    const zoneId = zone.HostedZone!.Id!.replace('/hostedzone/', '');
    await r53(port).send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [record('CREATE', 'a.example.com')] },
      }),
    );
    return zoneId;
  }
  const createOverExisting = (zoneId: string, port = ports.aws) =>
    r53(port).send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [record('CREATE', 'b.example.com')] },
      }),
    );
  /** The instance's statuses, every 100 ms until `done`, within `ms`. */
  async function until(
    client: RDSClient,
    id: string,
    done: (db: DBInstance) => boolean,
    ms: number,
  ): Promise<string[]> {
    const seen: string[] = [];
    for (const deadline = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 100))) {
      const db = (await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
      if (seen[seen.length - 1] !== db.DBInstanceStatus) seen.push(db.DBInstanceStatus!);
      if (done(db)) return seen;
      if (Date.now() > deadline) throw new Error(`${id}: ${seen.join(' → ')} after ${ms} ms`);
    }
  }

  beforeAll(async () => {
    [ports.aws, ports.moto] = [await freePort(), await freePort()];
    stack('up');
  }, 150_000);

  afterAll(() => {
    stack('down');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('GIVEN the stack up WHEN its status is listed THEN moto and the AWS-faithful layer run, ready, each by its pid file', () => {
    const status = stack('status');

    expect(status).toMatch(/^moto\s+running, ready \(pid \d+\)$/m);
    expect(status).toMatch(/^aws-layer\s+running, ready \(pid \d+\)$/m);
    expect(fs.readdirSync(path.join(dataDir, 'pids')).sort()).toEqual(['aws-layer.pid', 'moto.pid']);
  });

  it("GIVEN the stack's AWS endpoint WHEN moto's /moto-api/ paths are called there THEN they pass through unchanged: the probe answers as moto, and reset wipes moto", async () => {
    const [viaStack, viaMoto] = await Promise.all([
      fetch(`${at(ports.aws)}/moto-api/`),
      fetch(`${at(ports.moto)}/moto-api/`),
    ]);
    expect([viaStack.status, await viaStack.text()]).toEqual([viaMoto.status, await viaMoto.text()]);
    await zoneWithRecord();

    const reset = await fetch(`${at(ports.aws)}/moto-api/reset`, { method: 'POST' });

    expect(reset.status).toBe(200);
    expect((await r53(ports.moto).send(new ListHostedZonesCommand({}))).HostedZones).toEqual([]);
  });

  it("GIVEN a record WHEN a CREATE of it goes to the stack's endpoint THEN InvalidChangeBatch, as AWS (moto itself adds a duplicate); the accepted change is INSYNC within 0.5 s", async () => {
    const zoneId = await zoneWithRecord();

    const err = await createOverExisting(zoneId).catch((e: Error) => e);
    const change = await r53().send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [record('UPSERT', 'c.example.com')] },
      }),
    );

    expect((err as Error).name).toBe('InvalidChangeBatch');
    expect(change.ChangeInfo?.Status).toBe('PENDING');
    await new Promise((r) => setTimeout(r, 500));
    expect((await r53().send(new GetChangeCommand({ Id: change.ChangeInfo!.Id! }))).ChangeInfo?.Status).toBe('INSYNC');
    await createOverExisting(zoneId, ports.moto);
  });

  it('GIVEN a cross-region replica made through the stack WHEN it is promoted THEN creating then replicating, then modifying then standalone, each within 5 s', async () => {
    const source = await rds('us-east-1').send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'abc-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        MasterUsername: 'abc',
        MasterUserPassword: 'not-a-secret-1',
        AllocatedStorage: 20,
      }),
    );
    const replica = rds('eu-west-1');
    await until(rds('us-east-1'), 'abc-db', (db) => db.DBInstanceStatus === 'available', 5_000);
    await replica.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: 'abc-db-replica',
        SourceDBInstanceIdentifier: source.DBInstance!.DBInstanceArn!,
      }),
    );

    const created = await until(
      replica,
      'abc-db-replica',
      (db) => db.StatusInfos?.[0]?.Status === 'replicating',
      5_000,
    );
    await replica.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'abc-db-replica' }));
    const promoted = await until(replica, 'abc-db-replica', (db) => !db.ReadReplicaSourceDBInstanceIdentifier, 5_000);

    expect(created).toEqual(['creating', 'available']);
    expect(promoted).toEqual(['modifying', 'available']);
  });

  it('GIVEN an Aurora cluster made through the stack WHEN a global cluster is made from it THEN every region sees it as the writer', async () => {
    const east = rds('us-east-1');
    const cluster = await east.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'abc-aurora',
        Engine: 'aurora-postgresql',
        MasterUsername: 'abc',
        MasterUserPassword: 'not-a-secret-1',
      }),
    );

    await east.send(
      new CreateGlobalClusterCommand({
        GlobalClusterIdentifier: 'abc-global',
        SourceDBClusterIdentifier: cluster.DBCluster!.DBClusterArn!,
      }),
    );

    for (const region of ['us-east-1', 'eu-west-1']) {
      const { GlobalClusters = [] } = await rds(region).send(
        new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'abc-global' }),
      );
      expect(GlobalClusters[0]?.GlobalClusterMembers?.map((m) => [m.DBClusterArn, m.IsWriter])).toEqual([
        [cluster.DBCluster!.DBClusterArn, true],
      ]);
    }
  });

  it('GIVEN STACK_AWS=raw-moto WHEN the stack is brought up again THEN its endpoint is moto itself, which accepts the duplicate CREATE; down stops it all by pid', async () => {
    stack('down');
    stack('up', 'raw-moto');

    const zoneId = await zoneWithRecord();
    await createOverExisting(zoneId);
    const status = stack('status', 'raw-moto');
    stack('down', 'raw-moto');

    expect(status).toMatch(/^moto\s+running, ready/m);
    expect(status).not.toMatch(/^aws-layer\s+running/m);
    expect(fs.readdirSync(path.join(dataDir, 'pids'))).toEqual([]);
    await expect(fetch(`${at(ports.aws)}/moto-api/`)).rejects.toThrow();
  });
});
