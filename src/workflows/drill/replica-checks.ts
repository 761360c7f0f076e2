import { CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import { drillReplicaName, fitsDrillName, protectionTags } from '../../domain/database/names';
import { caughtUp, type ReplicationState } from '../../domain/database/types';
import {
  DRILL_CHECKS,
  type DrillCheck,
  type DrillProgress,
  type DrillReport,
  type PromotionRehearsal,
} from '../../domain/drill/types';
import type { ReplicaRef } from '../../domain/failover/types';
import { changes, reads, settles, waitInStretches, waits } from '../database/calls';
import { explain } from '../failures';
import { PROMOTION, type Activities } from '../activity-options';

const promotion = proxyActivities<Activities>(PROMOTION);

/** `patched()` ids of the drill's data checks: drills recorded before them replay without. */
export const DRILL_DATA_PATCHES = {
  replication: 'database-drill-replication-check',
  rehearsal: 'database-drill-rehearse-promotion',
} as const;

/** A rehearsal replica is a small copy of the production one: a day is long past stuck. */
const REHEARSAL_CREATE_MS = 24 * 3_600_000;

const seconds = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 100) / 10;

/**
 * The replica's `read replication` status and newest ReplicaLag, against `maxRpoSeconds` when the
 * failover sets it, as ARC's plan evaluation checks a replica before anyone needs it.
 */
export async function replicationCheck(
  replica: ReplicaRef,
): Promise<{ check: DrillCheck; replication?: ReplicationState }> {
  const { region, dbInstanceIdentifier: id, maxRpoSeconds: max } = replica;
  let state: ReplicationState;
  try {
    state = await reads.readReplication.executeWithOptions({ summary: `Read ${id}'s replication and ReplicaLag` }, [
      { region, dbInstanceIdentifier: id },
    ]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { check: { name: DRILL_CHECKS.replication, ok: false, detail: `could not read ${id}: ${explain(err)}` } };
  }
  const lag =
    state.lagSeconds === null
      ? 'no ReplicaLag datapoint in 15 minutes'
      : `ReplicaLag ${state.lagSeconds} s at ${state.measuredAt}`;
  const problems = [
    ...(state.status === 'replicating' ? [] : [`replication is ${state.status}`]),
    ...(max === undefined || caughtUp(state.lagSeconds, max)
      ? []
      : [state.lagSeconds === null ? `lag unknown against maxRpoSeconds ${max}` : `lag above maxRpoSeconds ${max}`]),
  ];
  return {
    check: {
      name: DRILL_CHECKS.replication,
      ok: problems.length === 0,
      detail: `${id} in ${region}: ${state.status}, ${lag}${max === undefined ? '' : ` (maxRpoSeconds ${max})`}${
        problems.length ? `: ${problems.join('; ')}` : ''
      }`,
    },
    replication: state,
  };
}

/**
 * Rehearses the promotion on a temporary replica of the production replica's source, in the target
 * region, in the production replica's subnet group and groups: made, waited for, promoted and timed,
 * then deleted in a scope no cancellation cuts short. The production replica is only read.
 */
export async function rehearsePromotion(
  drillId: string,
  replica: ReplicaRef,
  startedAt: Date,
): Promise<{ check: DrillCheck; rehearsal: PromotionRehearsal }> {
  const name = drillReplicaName(replica.dbInstanceIdentifier, startedAt);
  const rehearsal: PromotionRehearsal = {
    dbInstanceIdentifier: name,
    createSeconds: null,
    promotionSeconds: null,
    deleted: false,
  };
  const fail = (error: string) => ({
    check: { name: DRILL_CHECKS.promotionRehearsal, ok: false, detail: error },
    rehearsal: { ...rehearsal, error },
  });
  if (!fitsDrillName(replica.dbInstanceIdentifier))
    return fail(`not run: ${name} would pass RDS's 63 characters; nothing was made`);
  const ref = { region: replica.region, dbInstanceIdentifier: name };
  let made = false;
  let failure: unknown;
  try {
    const prod = await reads.readDatabase.executeWithOptions({ summary: `Read ${replica.dbInstanceIdentifier}` }, [
      replica,
    ]);
    if (!prod?.source)
      return fail(`not run: ${replica.dbInstanceIdentifier} is ${prod ? 'not a read replica' : 'not found'}`);
    const created = new Date();
    await changes.ensureReadReplica.executeWithOptions({ summary: `Rehearsal replica ${name} of ${prod.source}` }, [
      {
        ...ref,
        protectionId: drillId,
        sourceArn: prod.source,
        dbInstanceClass: prod.dbInstanceClass,
        ...(prod.encrypted && prod.kmsKeyId ? { kmsKeyId: prod.kmsKeyId } : {}),
        ...(prod.dbSubnetGroup ? { dbSubnetGroupName: prod.dbSubnetGroup.name } : {}),
        vpcSecurityGroupIds: prod.securityGroupIds,
        tags: protectionTags(drillId, { 'vpc-peering:drill-id': drillId }),
      },
    ]);
    made = true;
    const by = new Date(created.getTime() + REHEARSAL_CREATE_MS).toISOString();
    await waitInStretches(
      (lastSeen) =>
        waits.waitForReplica.executeWithOptions({ summary: `Wait until ${name} replicates` }, [
          { ...ref, deadline: by, ...(lastSeen ? { lastSeen } : {}) },
        ]),
      () => undefined,
    );
    rehearsal.createSeconds = seconds(created, new Date());
    const promoting = new Date();
    await promotion.promoteReplica.executeWithOptions({ summary: `Promote the rehearsal replica ${name}` }, [ref]);
    rehearsal.promotionSeconds = seconds(promoting, new Date());
  } catch (err) {
    failure = err;
  }
  await CancellationScope.nonCancellable(async () => {
    try {
      const out = await settles.removeProtectionResource.executeWithOptions(
        { summary: `Delete the rehearsal replica ${name}` },
        [{ ref: { type: 'db-instance', region: ref.region, id: name }, protectionId: drillId, standaloneToo: true }],
      );
      rehearsal.deleted = out.outcome !== 'kept';
    } catch (err) {
      rehearsal.error = `${name} could not be deleted: ${explain(err)}`;
    }
  });
  if (isCancellation(failure)) throw failure;
  if (failure)
    return fail(`${made ? 'stopped' : 'not made'}: ${explain(failure)}${rehearsal.deleted ? '' : `; ${name} is left`}`);
  const ok = rehearsal.deleted;
  return {
    check: {
      name: DRILL_CHECKS.promotionRehearsal,
      ok,
      detail: `${name}: replicating after ${rehearsal.createSeconds} s, promoted in ${rehearsal.promotionSeconds} s, ${
        ok ? 'deleted' : (rehearsal.error ?? 'not deleted')
      }`,
    },
    rehearsal,
  };
}

type At = (step: DrillProgress['step'], line: string) => void;

/** The `replication` check, in the report. */
export async function checkReplication(replica: ReplicaRef, report: DrillReport, at: At): Promise<void> {
  at('replication', `reading ${replica.dbInstanceIdentifier}'s replication and ReplicaLag in ${replica.region}`);
  const { check, replication } = await replicationCheck(replica);
  report.checks.push(check);
  if (replication) report.replication = replication;
}

/** The `promotion-rehearsal` check, in the report; its promotion time joins `rtoSeconds` (domain/drill/rto.ts). */
export async function checkPromotion(
  drillId: string,
  replica: ReplicaRef,
  startedAt: Date,
  report: DrillReport,
  at: At,
): Promise<void> {
  at(
    'rehearse-promotion',
    `rehearsing the promotion on a temporary replica of ${replica.dbInstanceIdentifier}'s source`,
  );
  const { check, rehearsal } = await rehearsePromotion(drillId, replica, startedAt);
  report.checks.push(check);
  report.rehearsal = rehearsal;
}
