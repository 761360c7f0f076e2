import { CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import { drainTimeoutMs, fenceActions } from '../../domain/failover/planned';
import { DEFAULT_DRAIN_TIMEOUT } from '../../domain/failover/rpo-types';
import { explain } from '../failures';
import { RECOVERY, type Activities } from '../activity-options';
import { fenceEnded, putBack } from './fence';
import { end, type FailoverRun, type StepEnd } from './run';

const waits = proxyActivities<Activities>(RECOVERY);

/** Beyond the drain's own deadline: time for the last read and the answer. */
const MARGIN_MS = 60_000;

/**
 * Planned mode: waits until the replica's ReplicaLag reads 0 as the Maximum of a 60 s period that
 * starts after the fence ended, for at most `drainTimeout`. Then nothing written before the fence
 * is missing from the replica, and the promotion loses nothing (rpo 0, `drained`). Not drained in
 * time (or cancelled): the fence is put back, nothing is promoted and DNS is unchanged.
 */
export async function drain(run: FailoverRun): Promise<StepEnd | undefined> {
  const { req, report } = run;
  const replica = req.promoteReplica!;
  const id = replica.dbInstanceIdentifier;
  const timeout = req.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT;
  const s = run.begin('drain', `until ${id}'s ReplicaLag reads 0 after the fence (at most ${timeout})`);
  if (run.drill) {
    run.record('drain', s, 'skipped', `drill: ${id} is not drained; a drill never fences nor promotes`);
    return undefined;
  }
  if (!run.replicaSource) {
    run.record('drain', s, 'skipped', `${id} is no longer a replica: an earlier run promoted it, after its drain`);
    return undefined;
  }
  const fence = fenceActions(req);
  const fencedAt = fenceEnded(run, fence) ?? s;
  const ms = drainTimeoutMs(req);
  let reason: string;
  try {
    const r = await waits.waitReplicaDrained.executeWithOptions(
      {
        summary: `Wait until ${id}'s ReplicaLag reads 0 after ${fencedAt.toISOString()} (at most ${timeout})`,
        startToCloseTimeout: ms + MARGIN_MS,
        scheduleToCloseTimeout: ms + 5 * MARGIN_MS,
      },
      [
        {
          region: replica.region,
          dbInstanceIdentifier: id,
          fencedAt: fencedAt.toISOString(),
          deadline: new Date(s.getTime() + ms).toISOString(),
        },
      ],
    );
    if (r.drained) {
      report.rpo = {
        seconds: 0,
        basis: 'drained',
        ...(r.measuredAt ? { measuredAt: r.measuredAt } : {}),
        ...(report.rpo?.replicationStatus ? { replicationStatus: report.rpo.replicationStatus } : {}),
      };
      run.record(
        'drain',
        s,
        'ok',
        `${id}'s ReplicaLag read 0 for the period from ${r.measuredAt} (the fence ended ${fencedAt.toISOString()}): nothing written before the fence is missing; RPO 0`,
      );
      return undefined;
    }
    const seen =
      r.lagSeconds === null
        ? 'no ReplicaLag datapoint after the fence'
        : `ReplicaLag ${r.lagSeconds} s at ${r.measuredAt}`;
    reason = `${id} did not drain within ${timeout} after the fence (${seen}, ${r.reads} reads)`;
  } catch (err) {
    if (isCancellation(err)) {
      // Cancelled while the writers are fenced: they are put back before the run ends.
      await CancellationScope.nonCancellable(() => putBack(run, fence, 'the run was cancelled during the drain'));
      throw err;
    }
    reason = `the drain of ${id} failed: ${explain(err)}`;
  }
  run.record('drain', s, 'failed', `${reason}. Nothing was promoted; ${run.recordName} was not changed`);
  await putBack(run, fence, 'not drained');
  return end('failed', `${reason}; the fence was put back, nothing was promoted, DNS is unchanged`);
}
