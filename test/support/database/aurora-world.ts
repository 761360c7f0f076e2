/**
 * What the Aurora tests make straight in moto: a source cluster with a writer in us-east-1, and
 * AuroraGlobalDBRPOLag datapoints (in milliseconds, as RDS publishes them; nothing publishes them on
 * moto). Global clusters live in the layer, so they are read through `viaLayer`.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  type DBCluster,
  type GlobalCluster,
  RDSClient,
} from '@aws-sdk/client-rds';
import { testEnv } from '../env';
import { CREDENTIALS } from '../harness';
import { DR_REGION, rds, SOURCE_REGION } from './world';

/** An Aurora PostgreSQL cluster with one writer instance, made in moto. */
export async function createSourceCluster(
  id: string,
  extra: { engine?: string; engineVersion?: string } = {},
  region = SOURCE_REGION,
): Promise<DBCluster> {
  const engine = extra.engine ?? 'aurora-postgresql';
  const out = await rds(region).send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: id,
      Engine: engine,
      ...(extra.engineVersion ? { EngineVersion: extra.engineVersion } : {}),
      MasterUsername: 'abc',
      MasterUserPassword: 'not-a-secret-1',
    }),
  );
  await rds(region).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: `${id}-1`,
      DBClusterIdentifier: id,
      Engine: engine,
      DBInstanceClass: 'db.r6g.large',
    }),
  );
  return out.DBCluster!;
}

/** An AuroraGlobalDBRPOLag datapoint for the secondary `clusterId`, in ms, in its region. */
export async function putRpoLag(clusterId: string, ms: number, at = new Date(), region = DR_REGION): Promise<void> {
  const cw = new CloudWatchClient({ region, endpoint: testEnv().motoUrl, credentials: CREDENTIALS });
  await cw.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/RDS',
      MetricData: [
        {
          MetricName: 'AuroraGlobalDBRPOLag',
          Dimensions: [{ Name: 'DBClusterIdentifier', Value: clusterId }],
          Timestamp: at,
          Value: ms,
          Unit: 'Milliseconds',
        },
      ],
    }),
  );
  cw.destroy();
}

export const viaLayer = (url: string, region: string) =>
  new RDSClient({ region, endpoint: url, credentials: CREDENTIALS });

/** The global cluster as every tool sees it (through the layer), or undefined. */
export async function globalCluster(url: string, id: string, region = DR_REGION): Promise<GlobalCluster | undefined> {
  try {
    return (await viaLayer(url, region).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: id })))
      .GlobalClusters?.[0];
  } catch (err) {
    if ((err as Error).name === 'GlobalClusterNotFoundFault') return undefined;
    throw err;
  }
}

/** Each member as `<cluster id>:writer|reader`, sorted. */
export const roles = (g: GlobalCluster | undefined): string[] =>
  (g?.GlobalClusterMembers ?? [])
    .map((m) => `${m.DBClusterArn!.split(':').pop()}:${m.IsWriter ? 'writer' : 'reader'}`)
    .sort();

export async function clusterIds(region: string): Promise<string[]> {
  const out = await rds(region).send(new DescribeDBClustersCommand({}));
  return (out.DBClusters ?? []).map((c) => c.DBClusterIdentifier!).sort();
}
