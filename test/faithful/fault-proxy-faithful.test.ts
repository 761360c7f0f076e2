/**
 * The test layer a DR failover runs on: a region that does not answer at all, RDS promotion and
 * Auto Scaling / ECS capacity as AWS gives them (moto is kinder), and the ARC cluster that moto
 * lacks. Each is checked through the real AWS SDK, against what moto itself says underneath.
 */
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  DescribeDBInstancesCommand,
  PromoteReadReplicaCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  GetRoutingControlStateCommand,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStateCommand,
} from '@aws-sdk/client-route53-recovery-cluster';
import { startArcCluster, type ArcCluster } from '../support/arc-cluster';
import { regionOutage } from '../../harness/fault-proxy';
import { PilotLightFixture } from '../support/pilot-light-fixture';
import { credentials, failureOf, sleep, useProxiedMoto } from '../support/proxied-moto';

const env = useProxiedMoto();
const quick = { requestTimeout: 1_000, connectionTimeout: 1_000, throwOnRequestTimeout: true };
const via = <C>(Client: new (c: object) => C, region: string, extra: object = {}) =>
  new Client({ region, endpoint: env.proxy.url, credentials, maxAttempts: 1, ...extra });
const direct = <C>(Client: new (c: object) => C, region: string) =>
  new Client({ region, endpoint: env.motoUrl, credentials, maxAttempts: 1 });

describe('a region that does not answer', () => {
  test('GIVEN an outage of us-east-1 EC2 WHEN EC2 is called there THEN no answer comes, while other regions and services answer', async () => {
    env.proxy.setRules(regionOutage('us-east-1', ['ec2']));
    const started = Date.now();

    const err = await failureOf(
      via(EC2Client, 'us-east-1', { requestHandler: quick }).send(new DescribeVpcsCommand({})),
    );

    expect(err.name).toBe('TimeoutError');
    expect(err.$metadata?.httpStatusCode).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await via(EC2Client, 'eu-west-1').send(new DescribeVpcsCommand({}));
    await via(RDSClient, 'us-east-1').send(new DescribeDBInstancesCommand({}));
    expect(env.proxy.stats()).toMatchObject({ injected: { unreachable: 1 }, forwarded: 2 });
  });

  test('GIVEN an outage rule with ms WHEN the call is made THEN the connection is dropped after that long, unanswered', async () => {
    env.proxy.setRules(regionOutage('us-east-1', ['ec2'], 200));

    const err = await failureOf(via(EC2Client, 'us-east-1').send(new DescribeVpcsCommand({})));

    expect(err.$metadata?.httpStatusCode).toBeUndefined();
    expect(`${err.name} ${err.message} ${err.code ?? ''}`).toMatch(/ECONNRESET|socket hang up/);
    expect(env.proxy.stats().forwarded).toBe(0);
  });
});

describe('RDS promotion as AWS does it', () => {
  async function replica(): Promise<string> {
    const source = await direct(RDSClient, 'us-east-1').send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'abc-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        MasterUsername: 'abc',
        MasterUserPassword: 'not-a-secret-1',
        AllocatedStorage: 20,
      }),
    );
    await direct(RDSClient, 'eu-west-1').send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: 'abc-db-replica',
        SourceDBInstanceIdentifier: source.DBInstance!.DBInstanceArn!,
      }),
    );
    return 'abc-db-replica';
  }
  const describe1 = async (client: RDSClient, id: string) =>
    (await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;

  test('GIVEN a promoted replica WHEN it is described over time THEN it is modifying, then available still replicating, then standalone; moto never changed', async () => {
    const id = await replica();
    Object.assign(env.proxy.promotionTiming, { modifyingMs: 1_500, sourceLingersMs: 1_500 });
    const rds = via(RDSClient, 'eu-west-1');

    const promoted = await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: id }));

    expect(promoted.DBInstance?.DBInstanceStatus).toBe('modifying');
    const modifying = await describe1(rds, id);
    expect(modifying.DBInstanceStatus).toBe('modifying');
    expect(modifying.ReadReplicaSourceDBInstanceIdentifier).toMatch(/:db:abc-db$/);
    const again = await failureOf(rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: id })));
    expect(again.name).toBe('InvalidDBInstanceStateFault');
    await sleep(1_600);
    const lingering = await describe1(rds, id);
    expect([lingering.DBInstanceStatus, lingering.ReadReplicaSourceDBInstanceIdentifier]).toEqual([
      'available',
      expect.stringMatching(/:db:abc-db$/),
    ]);
    await sleep(1_600);
    const standalone = await describe1(rds, id);
    expect([standalone.DBInstanceStatus, standalone.ReadReplicaSourceDBInstanceIdentifier]).toEqual([
      'available',
      undefined,
    ]);
    expect((await describe1(via(RDSClient, 'us-east-1'), 'abc-db')).ReadReplicaDBInstanceIdentifiers).toEqual([]);
    expect((await describe1(direct(RDSClient, 'eu-west-1'), id)).ReadReplicaSourceDBInstanceIdentifier).toMatch(
      /:db:abc-db$/,
    );
    const notAReplica = await failureOf(rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: id })));
    expect(notAReplica.message).toMatch(/not a read replica/);
  });
});

describe('Auto Scaling and ECS capacity as AWS gives it', () => {
  const pilot = () => new PilotLightFixture(env.motoUrl);

  test('GIVEN a group with MaxSize 1 WHEN SetDesiredCapacity asks for 3 THEN it is refused as on AWS, and moto is unchanged', async () => {
    const name = await pilot().group('eu-west-1', { min: 0, max: 1, desired: 0 });
    const asg = via(AutoScalingClient, 'eu-west-1');
    await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));

    const err = await failureOf(
      asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: name, DesiredCapacity: 3 })),
    );

    expect(err.name).toBe('ValidationError');
    expect(err.message).toBe('New SetDesiredCapacity value 3 is above max value 1 for the AutoScalingGroup.');
    expect(await pilot().groupNow('eu-west-1', name)).toMatchObject({ desired: 0, max: 1 });
  });

  test('GIVEN a warm-up WHEN a group scales out THEN its new instances are Pending for that long, then InService', async () => {
    env.proxy.capacityTiming.instanceWarmupMs = 1_500;
    const name = await pilot().group('eu-west-1', { min: 0, max: 1, desired: 0 });
    const asg = via(AutoScalingClient, 'eu-west-1');
    const states = async () =>
      (
        await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))
      ).AutoScalingGroups![0]!.Instances!.map((i) => i.LifecycleState);
    await states();

    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MaxSize: 3, DesiredCapacity: 3 }));

    expect(await states()).toEqual(['Pending', 'Pending', 'Pending']);
    await sleep(1_600);
    expect(await states()).toEqual(['InService', 'InService', 'InService']);
    env.proxy.capacityTiming.instanceWarmupMs = 0;
  });

  test('GIVEN a warm-up WHEN a service scales out THEN its tasks are pending for that long, then running', async () => {
    env.proxy.capacityTiming.taskWarmupMs = 1_500;
    const { cluster, service } = await pilot().service('eu-west-1', 0);
    const ecs = via(ECSClient, 'eu-west-1');
    const counts = async () => {
      const s = (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services![0]!;
      return [s.desiredCount, s.runningCount, s.pendingCount];
    };
    await counts();

    await ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: 2 }));

    expect(await counts()).toEqual([2, 0, 2]);
    await sleep(1_600);
    expect(await counts()).toEqual([2, 2, 0]);
    env.proxy.capacityTiming.taskWarmupMs = 0;
  });
});

describe('the ARC cluster', () => {
  let arc: ArcCluster;
  beforeAll(async () => {
    arc = await startArcCluster(['us-east-1', 'eu-west-1']);
  });
  afterAll(async () => {
    await arc?.close();
  });
  const client = (i: number, signedFor = arc.endpoints[i]!.region) =>
    new Route53RecoveryClusterClient({
      region: signedFor,
      endpoint: arc.endpoints[i]!.endpoint,
      credentials,
      maxAttempts: 1,
      requestHandler: quick,
    });

  test('GIVEN two endpoints WHEN a routing control is set through one THEN the other reads the new state, by the real SDK', async () => {
    const arn = arc.addRoutingControl('abc-dr-eu-west-1', 'Off');

    await client(0).send(new UpdateRoutingControlStateCommand({ RoutingControlArn: arn, RoutingControlState: 'On' }));
    const read = await client(1).send(new GetRoutingControlStateCommand({ RoutingControlArn: arn }));

    expect(read).toMatchObject({
      RoutingControlArn: arn,
      RoutingControlState: 'On',
      RoutingControlName: 'abc-dr-eu-west-1',
    });
    expect(arc.stateOf(arn)).toBe('On');
  });

  test('GIVEN a request signed for another region, or an unknown control THEN the endpoint refuses it as ARC does', async () => {
    const arn = arc.addRoutingControl('abc-primary', 'On');

    const wrongRegion = await failureOf(
      client(0, 'eu-west-1').send(new GetRoutingControlStateCommand({ RoutingControlArn: arn })),
    );
    const unknown = await failureOf(
      client(0).send(new GetRoutingControlStateCommand({ RoutingControlArn: `${arn}0` })),
    );

    expect([wrongRegion.name, wrongRegion.$metadata?.httpStatusCode]).toEqual(['InvalidSignatureException', 403]);
    expect(unknown.name).toBe('ResourceNotFoundException');
  });

  test('GIVEN an endpoint taken down WHEN it is called THEN it does not answer, or says to try another endpoint', async () => {
    const arn = arc.addRoutingControl('abc-primary', 'On');
    arc.setDown('us-east-1', 'unreachable');
    arc.setDown('eu-west-1', 'unavailable');

    const silent = await failureOf(client(0).send(new GetRoutingControlStateCommand({ RoutingControlArn: arn })));
    const busy = await failureOf(client(1).send(new GetRoutingControlStateCommand({ RoutingControlArn: arn })));
    arc.setDown('us-east-1', false);
    arc.setDown('eu-west-1', false);

    expect(silent.name).toBe('TimeoutError');
    expect(busy.name).toBe('EndpointTemporarilyUnavailableException');
    expect(arc.calls.slice(-2).map((c) => [c.region, c.answered])).toEqual([
      ['us-east-1', false],
      ['eu-west-1', true],
    ]);
  });
});
