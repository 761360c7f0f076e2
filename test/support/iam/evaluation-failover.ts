/** The failover runs whose AWS calls test/iam/policy-evaluation.test.ts records and evaluates. */
import { AddTagsToResourceCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { AutoScalingClient, CreateOrUpdateTagsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeServicesCommand, ECSClient, TagResourceCommand } from '@aws-sdk/client-ecs';
import type { FailoverRequest } from '../../../src/domain/failover/types';
import { type ArcCluster } from '../arc-cluster';
import { testEnv } from '../env';
import { MotoFailoverFixture, TO } from '../failover/fixture';
import { healthySignals } from '../failover/health';
import { CREDENTIALS, uniqueId, type TestWorker } from '../harness';
import { PilotLightFixture } from '../pilot-light-fixture';
import { type Placeholders } from './evaluate';
import { notifyTopic } from './notify-topic';

const config = (region: string) => ({ region, endpoint: testEnv().motoUrl, credentials: CREDENTIALS });
const OPT_IN = { Key: 'vpc-peering:managed', Value: 'true' };

/** A failover and its failback, on a world whose replica, group and service the operator opted in. */
export async function evaluatedFailoverAndBack(w: TestWorker, arc: ArcCluster): Promise<Placeholders> {
  const world = await new MotoFailoverFixture(testEnv().motoUrl).world();
  const pilot = new PilotLightFixture(testEnv().motoUrl);
  const [group, svc] = await Promise.all([pilot.group(TO, { min: 0, max: 1, desired: 0 }), pilot.service(TO, 0)]);
  const replica = world.request.promoteReplica!;
  const rds = new RDSClient(config(replica.region));
  const arn = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: replica.dbInstanceIdentifier })))
    .DBInstances![0]!.DBInstanceArn!;
  const ecs = new ECSClient(config(TO));
  const serviceArn = (await ecs.send(new DescribeServicesCommand({ cluster: svc.cluster, services: [svc.service] })))
    .services![0]!.serviceArn!;
  await Promise.all([
    rds.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: [OPT_IN] })),
    ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: [{ key: OPT_IN.Key, value: OPT_IN.Value }] })),
    new AutoScalingClient(config(TO)).send(
      new CreateOrUpdateTagsCommand({
        Tags: [{ ...OPT_IN, ResourceId: group, ResourceType: 'auto-scaling-group', PropagateAtLaunch: false }],
      }),
    ),
  ]);
  const scale: FailoverRequest['scale'] = [
    { kind: 'autoscaling', region: TO, name: group, desiredCapacity: 2 },
    { kind: 'ecs', region: TO, cluster: svc.cluster, service: svc.service, desiredCount: 1 },
  ];
  const routingControls = { from: arc.addRoutingControl('dr', 'On'), to: arc.addRoutingControl('primary', 'Off') };
  const { promoteReplica: _promoted, ...rest } = world.request;
  const runs: FailoverRequest[] = [
    // The application healthy again: an alarm read in its region, a health check through Route 53;
    // the outcome published to the operators' topic (notify).
    { ...world.request, scale, recoveredWhen: await healthySignals(testEnv().motoUrl, TO) },
    {
      ...rest,
      from: world.request.to,
      to: world.request.from,
      dnsSwitch: { mode: 'routing-control', clusterEndpoints: arc.endpoints, routingControls },
    },
  ];
  runs[0]!.notify = { snsTopicArn: await notifyTopic() };
  for (const request of runs) {
    const report = await w.client.workflow.execute('FailoverToRegion', {
      taskQueue: w.taskQueue,
      workflowId: uniqueId('eval-failover'),
      args: [request],
    });
    expect(report as { outcome: string; warnings: string[] }).toMatchObject({ outcome: 'completed', warnings: [] });
  }
  return {
    '<HOSTED_ZONE_ID>': world.zoneId.replace(/^\/?hostedzone\//, ''),
    '<RECORD_NAME>': world.request.recordName.toLowerCase().replace(/\.$/, ''),
  };
}
