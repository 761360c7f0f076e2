import { GetMetricStatisticsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { firstPeriodAfter } from '../../domain/failover/planned';
import type { DbInstanceRef } from '../../domain/database/types';
import { heartbeat, pause } from '../activity-context';
import type { AwsClients } from '../aws/clients';
import { STEP_WAIT } from '../aws/waiting';

export interface DrainInput extends DbInstanceRef {
  /** When the fence's actions ended (ISO 8601): only periods that start after it count. */
  fencedAt: string;
  /** Give up at this time (ISO 8601), set by the workflow so that a retried attempt keeps the same bound. */
  deadline: string;
}

export interface DrainResult {
  drained: boolean;
  /** The newest `Maximum` of a 60 s period after the fence, and that period's start; null if none yet. */
  lagSeconds: number | null;
  measuredAt?: string;
  /** Reads of CloudWatch this call made. */
  reads: number;
  waitedSeconds: number;
}

/** A datapoint put moments ago may carry a timestamp a little ahead of this clock. */
const AHEAD_MS = 120_000;

/**
 * The newest 60 s period of the replica's `ReplicaLag` (the `Maximum`) that starts once the fence
 * has ended, in the replica's region; undefined when there is none yet.
 */
export async function lagAfter(
  cw: CloudWatchClient,
  ref: DbInstanceRef,
  fencedAt: Date,
): Promise<{ lagSeconds: number; measuredAt: string } | undefined> {
  const start = firstPeriodAfter(fencedAt);
  const out = await cw.send(
    new GetMetricStatisticsCommand({
      Namespace: 'AWS/RDS',
      MetricName: 'ReplicaLag',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: ref.dbInstanceIdentifier }],
      StartTime: start,
      EndTime: new Date(Math.max(Date.now(), start.getTime()) + AHEAD_MS),
      Period: 60,
      Statistics: ['Maximum'],
    }),
  );
  const newest = (out.Datapoints ?? [])
    .filter((d) => d.Timestamp && d.Maximum !== undefined && d.Timestamp.getTime() >= start.getTime())
    .sort((a, b) => b.Timestamp!.getTime() - a.Timestamp!.getTime())[0];
  return newest ? { lagSeconds: newest.Maximum!, measuredAt: newest.Timestamp!.toISOString() } : undefined;
}

export function createDrainActivities(clients: AwsClients) {
  /**
   * Planned mode: waits until the replica's ReplicaLag reads 0 as the Maximum of a 60 s period
   * that starts after the fence, polling on the failover's critical-path interval, until the
   * deadline. Only reads, in the replica's region, so it is safe to retry; a timeout is an answer
   * (`drained: false`), since the workflow then puts the fence back.
   */
  async function waitReplicaDrained(input: DrainInput): Promise<DrainResult> {
    const cw = clients.cloudWatch(input.region);
    const [fencedAt, deadline, started] = [new Date(input.fencedAt), Date.parse(input.deadline), Date.now()];
    let last: { lagSeconds: number; measuredAt: string } | undefined;
    for (let reads = 1; ; reads++) {
      last = (await lagAfter(cw, input, fencedAt)) ?? last;
      const result = {
        lagSeconds: last?.lagSeconds ?? null,
        ...(last ? { measuredAt: last.measuredAt } : {}),
        reads,
        waitedSeconds: Math.round((Date.now() - started) / 100) / 10,
      };
      heartbeat({ replica: input.dbInstanceIdentifier, ...result });
      if (last?.lagSeconds === 0) return { drained: true, ...result };
      const left = deadline - Date.now();
      if (left <= 0) return { drained: false, ...result };
      await pause(Math.min(STEP_WAIT.maxDelay * 1000, left));
    }
  }

  return { waitReplicaDrained };
}
