/**
 * The world a re-protection starts from: a source in its own VPC (subnet group and group) in
 * us-east-1, protected by ProtectDatabase into eu-west-1, and the replica promoted (as a failover
 * would), so that it is the writer and the source is the stale old primary.
 */
import { CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import {
  CreateDBSubnetGroupCommand,
  DescribeDBInstancesCommand,
  PromoteReadReplicaCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import type { ProtectionReport } from '../../../src/domain/database/types';
import { CREDENTIALS, uniqueId } from '../harness';
import { createNetwork, createSource, DR_REGION, ec2, putLag, rds, SOURCE_REGION } from './world';

export interface AfterFailover {
  oldPrimary: { region: string; dbInstanceIdentifier: string };
  primary: { region: string; dbInstanceIdentifier: string };
  /** What the old primary had: its subnet group, groups, parameter group and class. */
  old: { subnetGroup: string; groupIds: string[]; parameterGroup: string; dbInstanceClass: string; arn: string };
  primaryArn: string;
}

export async function afterFailover(
  name: string,
  octet: number,
  protect: (request: unknown) => Promise<ProtectionReport>,
  layerUrl: string,
): Promise<AfterFailover> {
  const home = await createNetwork(octet, ['a', 'b'], SOURCE_REGION);
  const id = uniqueId(name);
  const subnetGroup = `${id}-home`;
  await rds(SOURCE_REGION).send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: subnetGroup,
      DBSubnetGroupDescription: 'the primary site',
      SubnetIds: home.subnetIds,
    }),
  );
  const groupId = (
    await ec2(SOURCE_REGION).send(
      new CreateSecurityGroupCommand({ GroupName: `${id}-app`, Description: 'app to db', VpcId: home.vpcId }),
    )
  ).GroupId!;
  const source = await createSource(id, { DBSubnetGroupName: subnetGroup, VpcSecurityGroupIds: [groupId] });
  const dr = await createNetwork(octet + 1);
  const replicaId = `${id}-replica`;
  await putLag(replicaId, 1);
  const report = await protect({
    source: { region: SOURCE_REGION, dbInstanceIdentifier: id },
    replica: {
      region: DR_REGION,
      dbInstanceIdentifier: replicaId,
      network: { vpcId: dr.vpcId, subnetIds: dr.subnetIds },
    },
  });
  const viaLayer = new RDSClient({ region: DR_REGION, endpoint: layerUrl, credentials: CREDENTIALS });
  await viaLayer.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: replicaId }));
  for (let i = 0; ; i++) {
    const db = (await viaLayer.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: replicaId })))
      .DBInstances![0]!;
    if (db.DBInstanceStatus === 'available' && !db.ReadReplicaSourceDBInstanceIdentifier) break;
    if (i > 100) throw new Error(`${replicaId} was not promoted`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // The replica the re-protection makes takes the old primary's name, in the old region.
  await putLag(id, 0, new Date(), SOURCE_REGION);
  return {
    oldPrimary: { region: SOURCE_REGION, dbInstanceIdentifier: id },
    primary: { region: DR_REGION, dbInstanceIdentifier: replicaId },
    old: {
      subnetGroup,
      groupIds: [groupId],
      parameterGroup: source.DBParameterGroups?.[0]?.DBParameterGroupName ?? '',
      dbInstanceClass: source.DBInstanceClass!,
      arn: source.DBInstanceArn!,
    },
    primaryArn: report.replica.arn,
  };
}
