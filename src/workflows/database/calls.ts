import { ActivityCancellationType, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { ResourceRef } from '../../domain/aws/resource-ref';
import type { DbInstanceRef, ProtectionProgress, ReplicaObservation, WaitStretch } from '../../domain/database/types';
import { NON_RETRYABLE_FAILURES } from '../../domain/failure-types';
import { EC2_CALL, type Activities } from '../activity-options';

const NON_RETRYABLE = [...NON_RETRYABLE_FAILURES];
const RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' } as const;

/**
 * A create or a short read-check-write on RDS or EC2. Waiting for a cancelled one to finish means
 * what it was creating exists (and is found by its name) before the rollback looks for it.
 */
export const DB_CHANGE = {
  startToCloseTimeout: '2 minutes',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { ...RETRY, maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
} as const satisfies ActivityOptions;

/**
 * One stretch (at most 5 minutes) of waiting for the replica: a replica is `creating` for minutes
 * to hours on AWS, so the workflow calls again until its own deadline, and shows each stretch's
 * last state in its progress. Each poll heartbeats: a lost worker is noticed within a minute, and
 * a retried stretch only reads.
 */
export const REPLICA_WAIT = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { ...RETRY, maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
} as const satisfies ActivityOptions;

/** Deleting a replica and waiting until it is gone (minutes on AWS), or renaming and stopping one. */
export const DB_SETTLE = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { ...RETRY, maximumAttempts: 8, nonRetryableErrorTypes: NON_RETRYABLE },
} as const satisfies ActivityOptions;

export const reads = proxyActivities<Activities>(EC2_CALL);
export const changes = proxyActivities<Activities>(DB_CHANGE);
export const waits = proxyActivities<Activities>(REPLICA_WAIT);
export const settles = proxyActivities<Activities>(DB_SETTLE);

/** On AWS a large replica takes hours to create; past a day it is not coming. */
export const CREATE_DEADLINE_MS = 24 * 3_600_000;

const MS_PER_MINUTE = 60_000;
export const minutesText = (ms: number): string => `${Math.round(ms / MS_PER_MINUTE)}m`;

/** Waits stretch by stretch until `wait` says done, showing each stretch's last state. */
export async function waitInStretches(
  wait: (lastSeen: ReplicaObservation | undefined) => Promise<WaitStretch>,
  seen: (observation: ReplicaObservation) => void,
): Promise<ReplicaObservation> {
  let last: ReplicaObservation | undefined;
  for (;;) {
    const stretch = await wait(last);
    seen(stretch.seen);
    if (stretch.done) return stretch.seen;
    last = stretch.seen;
  }
}

/** Until the replica is `available` and `replicating`; then until its ReplicaLag is at most `max`. */
export async function waitUntilProtecting(
  replica: DbInstanceRef,
  gate: { maxLagSeconds: number; lagTimeoutMs: number; lagTimeout: string },
  progress: ProtectionProgress,
  at: (step: ProtectionProgress['step']) => void,
): Promise<{ replication: ReplicaObservation; lag: ReplicaObservation }> {
  const id = replica.dbInstanceIdentifier;
  const show = (o: ReplicaObservation) => (progress.replica = { ...progress.replica, ...o });
  at('replicating');
  const createBy = new Date(new Date().getTime() + CREATE_DEADLINE_MS).toISOString();
  const replication = await waitInStretches(
    (lastSeen) =>
      waits.waitForReplica.executeWithOptions({ summary: `Wait until ${id} is available and replicating` }, [
        { ...replica, deadline: createBy, ...(lastSeen ? { lastSeen } : {}) },
      ]),
    show,
  );
  at('lag');
  const lagBy = new Date(new Date().getTime() + gate.lagTimeoutMs).toISOString();
  const lag = await waitInStretches(
    (lastSeen) =>
      waits.waitForReplicaLag.executeWithOptions(
        { summary: `Wait until ${id}'s ReplicaLag is at most ${gate.maxLagSeconds} s` },
        [
          {
            ...replica,
            deadline: lagBy,
            maxLagSeconds: gate.maxLagSeconds,
            timeout: gate.lagTimeout,
            ...(lastSeen ? { lastSeen } : {}),
          },
        ],
      ),
    show,
  );
  return { replication, lag };
}

/** Removes `refs` in order, each only if it carries this protection's tag. */
export async function removeInOrder(
  refs: ResourceRef[],
  protectionId: string,
): Promise<{ deleted: ResourceRef[]; alreadyGone: ResourceRef[]; kept: Array<{ ref: ResourceRef; reason: string }> }> {
  const out = {
    deleted: [] as ResourceRef[],
    alreadyGone: [] as ResourceRef[],
    kept: [] as Array<{ ref: ResourceRef; reason: string }>,
  };
  for (const ref of refs) {
    const done = await settles.removeProtectionResource.executeWithOptions(
      { summary: `Delete ${ref.type} ${ref.id} in ${ref.region}` },
      [{ ref, protectionId }],
    );
    if (done.outcome === 'kept') out.kept.push({ ref, reason: done.reason });
    else (done.outcome === 'deleted' ? out.deleted : out.alreadyGone).push(ref);
  }
  return out;
}

const ORDER: ResourceRef['type'][] = [
  'db-cluster',
  'db-instance',
  'db-subnet-group',
  'security-group',
  'global-cluster',
];
/**
 * A protection's things in the order they can go: an Aurora secondary (with its reader) or the
 * replica first, its groups once it is gone, a global cluster it made last.
 */
export const removalOrder = (refs: ResourceRef[]): ResourceRef[] =>
  [...refs].sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));

/** Moves the progress (and the Web UI's current details) to `step`, marking the one before it done. */
export function stepper(progress: ProtectionProgress, title: string, setDetails: (text: string) => void) {
  return (step: ProtectionProgress['step']) => {
    if (progress.step !== step && !['rollback', 'done'].includes(progress.step)) progress.completed.push(progress.step);
    progress.step = step;
    const replica = progress.replica;
    const seen = replica
      ? `\n\n**Replica:** ${replica.status}${replica.replicationStatus ? `, ${replica.replicationStatus}` : ''}${
          replica.lagSeconds === undefined ? '' : `, ReplicaLag ${replica.lagSeconds ?? 'not reported'}`
        }`
      : '';
    setDetails(`**${title}**\n\n**Step:** ${step}; ${progress.created.length} resource(s) held${seen}`);
  };
}

/** Adds `ref` to the protection's list unless it is there already. */
export function hold(progress: ProtectionProgress, ref: ResourceRef): void {
  if (!progress.created.some((r) => r.type === ref.type && r.region === ref.region && r.id === ref.id))
    progress.created.push(ref);
}

/** Where a replica or a secondary cluster is placed: its subnet group and its engine-port group. */
export interface Placement {
  subnetGroupName: string;
  subnetIds: string[];
  securityGroupName: string;
  vpcId: string;
  port: number;
  allowFrom: string[];
}

/**
 * The DB subnet group and the security group a protection makes in the replica's region, each held
 * for the rollback as soon as it exists; the same for an instance and an Aurora secondary.
 */
export async function ensurePlacement(
  progress: ProtectionProgress,
  at: (step: ProtectionProgress['step']) => void,
  plan: Placement,
  owner: { region: string; protectionId: string; tags: Record<string, string> },
) {
  const { region, protectionId, tags } = owner;
  at('subnet-group');
  const subnets = await changes.ensureDbSubnetGroup.executeWithOptions(
    { summary: `DB subnet group ${plan.subnetGroupName} in ${region}` },
    [{ region, name: plan.subnetGroupName, subnetIds: plan.subnetIds, protectionId, tags }],
  );
  hold(progress, subnets.ref);
  at('security-group');
  const { vpcId, securityGroupName: name, port, allowFrom } = plan;
  const group = await changes.ensureDatabaseSecurityGroup.executeWithOptions(
    { summary: `Security group ${name}: port ${port} from ${allowFrom.join(', ')}` },
    [{ region, vpcId, name, port, allowFrom, protectionId, tags }],
  );
  hold(progress, group.ref);
  return { subnets, group };
}
