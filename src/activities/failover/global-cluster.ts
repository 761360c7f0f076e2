import {
  DescribeDBClustersCommand,
  FailoverGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { WaiterState } from '@smithy/util-waiter';
import type { ClusterFailoverFacts } from '../../domain/failover/cluster-promotion';
import { FailureTypes } from '../../domain/failure-types';
import type { AwsClients } from '../aws/clients';
import { isNamed, nonRetryable, retryable } from '../aws/errors';
import { pollWithHeartbeat } from '../aws/waiting';
import { ClusterErrors, describeCluster, describeGlobal } from '../database/cluster-reads';
import { readRpoLag } from '../database/cluster-waits';

/** Aurora's failover takes minutes; past half an hour it is stuck. */
const MOVE_MAX_WAIT_SECONDS = 1800;

export interface MoveWriterInput {
  /** The target region, where the secondary is: every call is made there. */
  region: string;
  dbClusterIdentifier: string;
  globalClusterIdentifier: string;
  /** `failover`: FailoverGlobalCluster with AllowDataLoss (the source may be down); `switchover`: no data loss. */
  mode: 'failover' | 'switchover';
}

export function createGlobalClusterActivities(clients: AwsClients) {
  /**
   * The target cluster, its global cluster and its newest AuroraGlobalDBRPOLag, all read in the
   * target region, which answers when the source's does not. Read-only.
   */
  async function readClusterFailover(input: {
    region: string;
    dbClusterIdentifier: string;
  }): Promise<ClusterFailoverFacts> {
    const rds = clients.rds(input.region);
    const c = await describeCluster(rds, input.dbClusterIdentifier);
    const target = c
      ? {
          arn: c.DBClusterArn ?? '',
          status: c.Status ?? 'unknown',
          instances: (c.DBClusterMembers ?? []).length,
          ...(c.GlobalClusterIdentifier ? { globalClusterIdentifier: c.GlobalClusterIdentifier } : {}),
        }
      : null;
    const global = target?.globalClusterIdentifier ? await describeGlobal(rds, target.globalClusterIdentifier) : null;
    const lag = await readRpoLag(clients.cloudWatch(input.region), input.dbClusterIdentifier);
    return { target, global, lag };
  }

  /**
   * Makes the secondary the global cluster's writer and waits until the global cluster lists it
   * so. Safe to retry: a target that already writes is done, and an operation already under way
   * towards it (an earlier attempt whose answer was lost) is waited for, not started again.
   */
  async function moveGlobalWriter(
    input: MoveWriterInput,
  ): Promise<{ action: 'moved' | 'already-writer'; status: string }> {
    const rds = clients.rds(input.region);
    const c = await describeCluster(rds, input.dbClusterIdentifier);
    if (!c?.DBClusterArn)
      throw nonRetryable(FailureTypes.ReplicaNotFound, `${input.dbClusterIdentifier} not found in ${input.region}`);
    const arn = c.DBClusterArn;
    const global = await describeGlobal(rds, input.globalClusterIdentifier);
    const writer = global?.members.find((m) => m.writer);
    let action: 'moved' | 'already-writer' = 'moved';
    if (writer?.arn === arn && !global?.failoverState) action = 'already-writer';
    else if (global?.failoverState?.toArn !== arn) {
      const params = { GlobalClusterIdentifier: input.globalClusterIdentifier, TargetDbClusterIdentifier: arn };
      try {
        await rds.send(
          input.mode === 'failover'
            ? new FailoverGlobalClusterCommand({ ...params, AllowDataLoss: true })
            : new SwitchoverGlobalClusterCommand(params),
        );
      } catch (err) {
        // Another operation under way (not ours): wait for it to end and try again.
        if (isNamed(err, ClusterErrors.GlobalState)) throw retryable(ClusterErrors.GlobalState, (err as Error).message);
        throw err;
      }
    }
    const { state, seen } = await pollWithHeartbeat(
      { client: rds, minDelay: 1, maxDelay: 15, maxWaitTime: MOVE_MAX_WAIT_SECONDS },
      async () => {
        const g = await describeGlobal(rds, input.globalClusterIdentifier);
        const now = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: input.dbClusterIdentifier })))
          .DBClusters?.[0]?.Status;
        const writes = g?.members.some((m) => m.writer && m.arn === arn) && !g.failoverState;
        const status = g?.failoverState
          ? `${g.failoverState.status}`
          : `${writes ? 'writer' : 'reader'}, ${now ?? '?'}`;
        return { state: writes && now === 'available' ? WaiterState.SUCCESS : WaiterState.RETRY, seen: status };
      },
    );
    if (state !== WaiterState.SUCCESS)
      throw retryable(
        'WaitTimedOut',
        `${input.dbClusterIdentifier} is not the writer of ${input.globalClusterIdentifier} yet (${seen ?? '?'})`,
      );
    return { action, status: seen ?? 'writer' };
  }

  return { readClusterFailover, moveGlobalWriter };
}
