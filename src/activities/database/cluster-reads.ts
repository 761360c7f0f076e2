import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  ListTagsForResourceCommand,
  type DBCluster,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { ClusterFacts, DbClusterRef, GlobalClusterFacts, GlobalMember } from '../../domain/database/cluster-types';
import type { AwsClients } from '../aws/clients';
import { isNamed } from '../aws/errors';
import { tagsOf } from './rds';

export const ClusterErrors = {
  ClusterNotFound: 'DBClusterNotFoundFault',
  GlobalNotFound: 'GlobalClusterNotFoundFault',
  GlobalState: 'InvalidGlobalClusterStateFault',
  ClusterState: 'InvalidDBClusterStateFault',
  ClusterExists: 'DBClusterAlreadyExistsFault',
  GlobalExists: 'GlobalClusterAlreadyExistsFault',
  SnapshotExists: 'DBClusterSnapshotAlreadyExistsFault',
} as const;

const ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d+:cluster:(.+)$/;

/** The cluster, or undefined for DBClusterNotFound. */
export async function describeCluster(rds: RDSClient, id: string): Promise<DBCluster | undefined> {
  try {
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
    return out.DBClusters?.find((c) => c.DBClusterIdentifier?.toLowerCase() === id.toLowerCase());
  } catch (err) {
    if (isNamed(err, ClusterErrors.ClusterNotFound)) return undefined;
    throw err;
  }
}

export async function clusterTags(rds: RDSClient, c: DBCluster): Promise<Record<string, string>> {
  if (c.TagList) return tagsOf(c.TagList);
  if (!c.DBClusterArn) return {};
  return tagsOf((await rds.send(new ListTagsForResourceCommand({ ResourceName: c.DBClusterArn }))).TagList);
}

export function clusterFactsOf(region: string, c: DBCluster, tags: Record<string, string>): ClusterFacts {
  return {
    region,
    dbClusterIdentifier: c.DBClusterIdentifier ?? '',
    arn: c.DBClusterArn ?? '',
    status: c.Status ?? 'unknown',
    engine: c.Engine ?? 'unknown',
    engineVersion: c.EngineVersion ?? '',
    ...(c.Port ? { port: c.Port } : {}),
    ...(c.ReaderEndpoint ? { readerEndpoint: c.ReaderEndpoint } : {}),
    encrypted: c.StorageEncrypted === true,
    ...(c.GlobalClusterIdentifier ? { globalClusterIdentifier: c.GlobalClusterIdentifier } : {}),
    members: (c.DBClusterMembers ?? []).map((m) => ({
      dbInstanceIdentifier: m.DBInstanceIdentifier ?? '',
      writer: m.IsClusterWriter === true,
    })),
    ...(c.DBSubnetGroup ? { dbSubnetGroupName: c.DBSubnetGroup } : {}),
    securityGroupIds: (c.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '').filter(Boolean),
    tags,
  };
}

/** The global cluster, read from any region (membership is the same from each), or null. */
export async function describeGlobal(rds: RDSClient, id: string): Promise<GlobalClusterFacts | null> {
  try {
    const g = (await rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: id }))).GlobalClusters?.[0];
    if (!g) return null;
    const members: GlobalMember[] = (g.GlobalClusterMembers ?? []).map((m) => {
      const [, region = '', clusterId = ''] = ARN.exec(m.DBClusterArn ?? '') ?? [];
      return {
        arn: m.DBClusterArn ?? '',
        region,
        dbClusterIdentifier: clusterId,
        writer: m.IsWriter === true,
        ...(m.SynchronizationStatus ? { synchronizationStatus: m.SynchronizationStatus } : {}),
      };
    });
    const f = g.FailoverState;
    return {
      globalClusterIdentifier: g.GlobalClusterIdentifier ?? id,
      arn: g.GlobalClusterArn ?? '',
      status: g.Status ?? 'unknown',
      engine: g.Engine ?? '',
      engineVersion: g.EngineVersion ?? '',
      members,
      ...(f?.Status
        ? {
            failoverState: {
              status: f.Status,
              fromArn: f.FromDbClusterArn ?? '',
              toArn: f.ToDbClusterArn ?? '',
              allowDataLoss: f.IsDataLossAllowed === true,
            },
          }
        : {}),
    };
  } catch (err) {
    if (isNamed(err, ClusterErrors.GlobalNotFound)) return null;
    throw err;
  }
}

export function createClusterReads(clients: AwsClients) {
  /** An Aurora cluster as the checks and reports need it; null when there is none. Read-only. */
  async function readCluster(ref: DbClusterRef): Promise<ClusterFacts | null> {
    const rds = clients.rds(ref.region);
    const c = await describeCluster(rds, ref.dbClusterIdentifier);
    return c ? clusterFactsOf(ref.region, c, await clusterTags(rds, c)) : null;
  }

  /**
   * A global cluster, asked in `region` (any region answers for it), or null. With `bounded`, one
   * short attempt, for a region that may be down. Read-only.
   */
  async function readGlobalCluster(input: {
    region: string;
    globalClusterIdentifier: string;
    bounded?: boolean;
  }): Promise<GlobalClusterFacts | null> {
    const family = input.bounded ? clients.probe : clients;
    return describeGlobal(family.rds(input.region), input.globalClusterIdentifier);
  }

  return { readCluster, readGlobalCluster };
}
