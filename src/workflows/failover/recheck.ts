import { proxyActivities } from '@temporalio/workflow';
import { explain } from '../failures';
import { EC2_CALL, type Activities } from '../activity-options';
import { end, type FailoverRun, type StepEnd } from './run';
import { recheckFindings, type Settled } from '../../domain/failover/recheck';

const reads = proxyActivities<Activities>(EC2_CALL);

/** Runs from before this acted on a late decision without reading again. */
export const RECHECK_PATCH = 'failover-decision-recheck';

async function settle<T>(call: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await call };
  } catch (err) {
    return { ok: false, error: explain(err) };
  }
}

/**
 * A decision that came more than 5 minutes after preflight: the record (and the replica, when one
 * is to be promoted) are read again, and the run stops, having changed nothing, when they no longer
 * hold what preflight saw. Reads that get no answer are reported and do not stop it: the switch's
 * own guard still holds.
 */
export async function recheck(run: FailoverRun): Promise<StepEnd | undefined> {
  const { req, key, recordName } = run;
  const replica = req.promoteReplica && !run.drill ? req.promoteReplica : undefined;
  const s = run.begin('recheck', `the decision came late: read ${recordName} and the replica again`);
  const record = settle(
    reads.readRecord.executeWithOptions({ summary: `Read ${recordName} again before acting` }, [
      { ...key, bounded: true },
    ]),
  );
  const replication = replica
    ? settle(
        reads.readReplication.executeWithOptions(
          { summary: `Read ${replica.dbInstanceIdentifier}'s replication again before acting` },
          [{ region: replica.region, dbInstanceIdentifier: replica.dbInstanceIdentifier, bounded: true }],
        ),
      )
    : undefined;
  const found = recheckFindings(run.req, {
    recordBefore: run.report.recordBefore,
    record: await record,
    ...(replication ? { replication: await replication } : {}),
    ...(run.replicaSource ? { replicaSource: run.replicaSource } : {}),
  });
  if (found.problems.length) {
    const why = found.problems.join('; ');
    run.record('recheck', s, 'failed', `${why}. Nothing was changed. ${found.notes.join('; ')}`);
    return end('failed', `recheck: ${why}`);
  }
  run.record('recheck', s, 'ok', found.notes.join('; '));
  return undefined;
}
