/**
 * The failover as a runbook without parallel steps, a bare AWS SDK script: promote the replica and
 * wait until it is standalone, then wake each group and service (read first, as a runbook checks
 * what it is about to change) and wait until it serves, then
 * UPSERT the record and wait for INSYNC and read it back. It polls every second, more often than any
 * waiter would, so that its time is what AWS makes it wait and nothing of its own. Each step is
 * timed: the critical path is the longest of the promotion and the capacity, then the switch.
 */
import { DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
} from '@aws-sdk/client-route-53';
import type { FailoverRequest } from '../src/domain/failover/types';
import { worldClients } from './failover-world';

const POLL_MS = 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, done: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`bare runbook: ${what} not done in ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

export interface RunbookSteps {
  /** ms per step, in the order run: `promote`, `scale:<region>:<name>` each, `switch` (INSYNC and the read-back). */
  steps: Record<string, number>;
  totalMs: number;
}

/** Runs `request`'s promotion, scale actions and switch one after the other, against `endpoint`. */
export async function bareRunbook(endpoint: string, request: FailoverRequest): Promise<RunbookSteps> {
  const c = worldClients(endpoint);
  const steps: Record<string, number> = {};
  const timed = async (name: string, fn: () => Promise<void>) => {
    const started = performance.now();
    await fn();
    steps[name] = performance.now() - started;
  };
  const started = performance.now();
  const replica = request.promoteReplica;
  if (replica) {
    await timed('promote', async () => {
      const rds = c.rds(replica.region);
      await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: replica.dbInstanceIdentifier }));
      await until('promotion', async () => {
        const out = await rds.send(
          new DescribeDBInstancesCommand({ DBInstanceIdentifier: replica.dbInstanceIdentifier }),
        );
        const db = out.DBInstances?.[0];
        return db?.DBInstanceStatus === 'available' && !db.ReadReplicaSourceDBInstanceIdentifier;
      });
    });
  }
  for (const action of request.scale ?? []) {
    if (action.kind === 'autoscaling') {
      await timed(`scale:${action.region}:${action.name}`, async () => {
        const asg = c.autoScaling(action.region);
        await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [action.name] }));
        await asg.send(
          new SetDesiredCapacityCommand({ AutoScalingGroupName: action.name, DesiredCapacity: action.desiredCapacity }),
        );
        await until(`group ${action.name}`, async () => {
          const g = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [action.name] })))
            .AutoScalingGroups?.[0];
          const inService = (g?.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length;
          return inService >= action.desiredCapacity;
        });
      });
    } else {
      await timed(`scale:${action.region}:${action.service}`, async () => {
        const ecs = c.ecs(action.region);
        await ecs.send(new DescribeServicesCommand({ cluster: action.cluster, services: [action.service] }));
        await ecs.send(
          new UpdateServiceCommand({
            cluster: action.cluster,
            service: action.service,
            desiredCount: action.desiredCount,
          }),
        );
        await until(`service ${action.service}`, async () => {
          const s = (
            await ecs.send(new DescribeServicesCommand({ cluster: action.cluster, services: [action.service] }))
          ).services?.[0];
          return (s?.runningCount ?? 0) >= action.desiredCount;
        });
      });
    }
  }
  await timed('switch', async () => {
    const r53 = c.route53();
    const change = await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: request.hostedZoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: request.recordName,
                Type: request.recordType,
                TTL: request.ttl ?? 60,
                ResourceRecords: [{ Value: request.to.value }],
              },
            },
          ],
        },
      }),
    );
    await until('INSYNC', async () => {
      const out = await r53.send(new GetChangeCommand({ Id: change.ChangeInfo!.Id! }));
      return out.ChangeInfo?.Status === 'INSYNC';
    });
    const read = await r53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: request.hostedZoneId,
        StartRecordName: request.recordName,
        StartRecordType: request.recordType,
        MaxItems: 1,
      }),
    );
    const value = read.ResourceRecordSets?.[0]?.ResourceRecords?.[0]?.Value;
    if (value !== request.to.value) throw new Error(`bare runbook: the record reads ${value}, not ${request.to.value}`);
  });
  return { steps, totalMs: performance.now() - started };
}

/** The longest of the promotion and the capacity, then the switch (with INSYNC and the read-back). */
export function criticalPathMs(r: RunbookSteps): number {
  const prepare = Object.entries(r.steps)
    .filter(([name]) => name === 'promote' || name.startsWith('scale:'))
    .map(([, ms]) => ms);
  return Math.max(0, ...prepare) + (r.steps.switch ?? 0);
}
