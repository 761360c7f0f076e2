/**
 * The database runs whose calls the IAM tests record: a protection and its undoing, a protection
 * whose replica is promoted and then re-protected (the old primary opted in with
 * `vpc-peering:managed=true`, renamed and stopped), and a drill that rehearses the promotion.
 */
import type { ProtectionReport } from '../../../src/domain/database/types';
import type { DrillReport } from '../../../src/domain/drill/types';
import { afterFailover } from '../database/after-failover';
import { createNetwork, createSource, DR_REGION, putLag, SOURCE_REGION, tag } from '../database/world';
import { FROM, MotoFailoverFixture, TO } from '../failover/fixture';
import { testEnv } from '../env';
import { uniqueId, type TestWorker } from '../harness';

const OPT_IN = { 'vpc-peering:managed': 'true' };

/**
 * `zone`: the hosted zone and record the policy's placeholders name (a drill works on `drill-<record>`
 * there); the drill rehearses a new replica's promotion behind a new peering.
 */
export async function databaseRuns(
  w: TestWorker,
  layerUrl: string,
  octet: number,
  zone: { hostedZoneId: string; recordName: string },
): Promise<void> {
  const run = <T>(type: string, request: unknown, workflowId = uniqueId(`iam-${type.toLowerCase()}`)) =>
    w.client.workflow.execute(type, { taskQueue: w.taskQueue, workflowId, args: [request] }) as Promise<T>;

  const net = await createNetwork(octet);
  const source = await createSource(uniqueId('iam-db'));
  await tag(source.DBInstanceArn!, SOURCE_REGION, OPT_IN);
  const replicaId = `${source.DBInstanceIdentifier}-replica`;
  await putLag(replicaId, 0);
  const protectId = uniqueId('iam-protect');
  await run<ProtectionReport>(
    'ProtectDatabase',
    {
      source: { region: SOURCE_REGION, dbInstanceIdentifier: source.DBInstanceIdentifier },
      replica: {
        region: DR_REGION,
        dbInstanceIdentifier: replicaId,
        network: { vpcId: net.vpcId, subnetIds: net.subnetIds },
      },
      tags: { Project: 'abc-dr' },
    },
    protectId,
  );
  await run('UnprotectDatabase', { protectWorkflowId: protectId });

  const world = await afterFailover(
    'iam-re',
    octet + 1,
    (request) => run<ProtectionReport>('ProtectDatabase', request),
    layerUrl,
  );
  await tag(world.old.arn, SOURCE_REGION, OPT_IN);
  await run<ProtectionReport>('ReprotectDatabase', {
    primary: world.primary,
    oldPrimary: world.oldPrimary,
    retire: 'rename-and-stop',
  });

  const fixture = new MotoFailoverFixture(testEnv().motoUrl);
  const [peeringConnectionId, { replicaId: production }] = await Promise.all([
    fixture.peering(),
    fixture.replica(uniqueId('iam-drill')),
  ]);
  await putLag(production, 0);
  const drill = await run<DrillReport>('DrDrill', {
    name: 'iam-rehearsal',
    peering: { peeringConnectionId, requesterRegion: FROM, accepterRegion: TO },
    expect: { allow: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }] },
    failover: {
      ...zone,
      recordType: 'CNAME',
      from: { region: FROM, value: `primary-alb.${FROM}.elb.amazonaws.com` },
      to: { region: TO, value: `dr-alb.${TO}.elb.amazonaws.com` },
      promoteReplica: { region: TO, dbInstanceIdentifier: production },
    },
    rtoTargetSeconds: 300,
    rehearsePromotion: true,
  });
  if (!drill.rehearsal?.deleted || drill.rehearsal.promotionSeconds === null)
    throw new Error(`the rehearsal did not run to the end: ${JSON.stringify(drill.rehearsal)}`);
}
