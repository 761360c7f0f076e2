import {
  AddTagsToResourceCommand,
  ModifyDBInstanceCommand,
  StopDBInstanceCommand,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { WaiterState } from '@smithy/util-waiter';
import { RETIRED_BY_TAG, type DbInstanceRef } from '../../domain/database/types';
import { FailureTypes } from '../../domain/failure-types';
import type { AwsClients } from '../aws/clients';
import { AwsErrors, errorName, isNamed, nonRetryable, retryable } from '../aws/errors';
import { pollWithHeartbeat } from '../aws/waiting';
import { describeInstance, instanceTags } from './rds';

/** A rename reboots the instance (minutes on AWS); a stop takes minutes too. An hour means it is stuck. */
const SETTLE_MAX_WAIT_SECONDS = 3600;
const ALREADY_EXISTS = /^DBInstanceAlreadyExists(Fault)?$/;

export interface RetireInput extends DbInstanceRef {
  /** `<id>-retired-<yyyymmddhhmm>` of the run's start: the same on every retry of the run. */
  retiredIdentifier: string;
  /** The re-protection's workflow id, tagged `vpc-peering:retired-by`. */
  retiredBy: string;
  stop: boolean;
}

export interface Retired {
  dbInstanceIdentifier: string;
  arn: string;
  stopped: boolean;
}

async function until(rds: RDSClient, id: string, goal: string, done: (db: DBInstance) => boolean): Promise<DBInstance> {
  let last: DBInstance | undefined;
  const { state, seen } = await pollWithHeartbeat(
    { client: rds, minDelay: 1, maxDelay: 30, maxWaitTime: SETTLE_MAX_WAIT_SECONDS },
    async () => {
      last = await describeInstance(rds, id);
      const seen = { dbInstanceIdentifier: id, status: last?.DBInstanceStatus ?? 'not found (yet)', goal };
      return { state: last && done(last) ? WaiterState.SUCCESS : WaiterState.RETRY, seen };
    },
  );
  if (state !== WaiterState.SUCCESS || !last)
    throw retryable('RetireTimedOut', `${id} is not ${goal} after ${SETTLE_MAX_WAIT_SECONDS} s (now ${seen?.status})`);
  return last;
}

export function createRetireActivities(clients: AwsClients) {
  /**
   * Retires the old primary: tags it `vpc-peering:retired-by`, renames it `<id>-retired-<stamp>`
   * (freeing its identifier for the new replica) and, when asked, stops it. Never deletes it. The
   * retired name is looked for first, so a retry never renames twice; a rename an earlier attempt
   * started (its answer lost: the old name shows `renaming`) is waited for, not asked again.
   */
  async function retireDatabase(input: RetireInput): Promise<Retired> {
    const rds = clients.rds(input.region);
    const { dbInstanceIdentifier: id, retiredIdentifier: newId } = input;
    let retired = await describeInstance(rds, newId);
    if (!retired) {
      const old = await describeInstance(rds, id);
      if (!old)
        throw nonRetryable(FailureTypes.ReplicaNotFound, `neither ${id} nor ${newId} exists in ${input.region}`);
      // Tagged before the rename, so that the instance is found as this re-protection's whatever its name.
      if ((await instanceTags(rds, old))[RETIRED_BY_TAG] !== input.retiredBy)
        await rds.send(
          new AddTagsToResourceCommand({
            ResourceName: old.DBInstanceArn,
            Tags: [{ Key: RETIRED_BY_TAG, Value: input.retiredBy }],
          }),
        );
      if (old.DBInstanceStatus !== 'renaming') {
        try {
          await rds.send(
            new ModifyDBInstanceCommand({
              DBInstanceIdentifier: id,
              NewDBInstanceIdentifier: newId,
              ApplyImmediately: true,
            }),
          );
        } catch (err) {
          const renaming = (await describeInstance(rds, id))?.DBInstanceStatus === 'renaming';
          if (!(isNamed(err, AwsErrors.InvalidDBInstanceState) && renaming) && !ALREADY_EXISTS.test(errorName(err)))
            throw err;
        }
      }
    }
    const settled = ['available', 'stopping', 'stopped'];
    if (!retired || !settled.includes(retired.DBInstanceStatus ?? ''))
      retired = await until(rds, newId, 'available under its new name', (db) =>
        settled.includes(db.DBInstanceStatus ?? ''),
      );
    let stopped = retired.DBInstanceStatus === 'stopped';
    if (input.stop && !stopped) {
      if (retired.DBInstanceStatus !== 'stopping') {
        try {
          await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: newId }));
        } catch (err) {
          // Stopping (or stopped) already: an earlier attempt's stop, whose answer was lost.
          if (!isNamed(err, AwsErrors.InvalidDBInstanceState)) throw err;
        }
      }
      retired = await until(rds, newId, 'stopped', (db) => db.DBInstanceStatus === 'stopped');
      stopped = true;
    }
    return { dbInstanceIdentifier: newId, arn: retired.DBInstanceArn ?? '', stopped };
  }

  return { retireDatabase };
}
