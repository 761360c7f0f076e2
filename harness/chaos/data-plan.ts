/**
 * What the data runs meet on top of the setups' faults: for each of the data writes a failover's
 * lifecycle makes (the replica created, the promotion, the record switched, the old primary
 * renamed), some answers lost after AWS did the work, and a delay before the call reaches AWS, so
 * that a worker SIGKILL (data-kills.ts) lands while the call is in flight and AWS still does it.
 */
import type { FaultRule } from '../fault-proxy';

export interface DataWrite {
  /** The AWS call, as the fault proxy names it. */
  label: string;
  service: string;
  action: string | RegExp;
  /** Whether an activity type makes this call: the project's names, and the names a reworked switch may take. */
  activity: (name: string) => boolean;
}

export const DATA_WRITES: readonly DataWrite[] = [
  {
    label: 'CreateDBInstanceReadReplica',
    service: 'rds',
    action: 'CreateDBInstanceReadReplica',
    activity: (n) => n === 'ensureReadReplica',
  },
  {
    label: 'PromoteReadReplica',
    service: 'rds',
    action: 'PromoteReadReplica',
    activity: (n) => /^promote/i.test(n) && !/drill|rehears/i.test(n),
  },
  {
    label: 'ChangeResourceRecordSets',
    service: 'route53',
    action: /^POST \/2013-04-01\/hostedzone\/[^/]+\/rrset\/?$/,
    // upsertRecord today; a DELETE+CREATE switch may name its activity otherwise. Never a read or the drill's.
    activity: (n) => /Record$/.test(n) && !/^(read|createDrill|deleteDrill)/.test(n),
  },
  {
    label: 'ModifyDBInstance (rename)',
    service: 'rds',
    action: 'ModifyDBInstance',
    activity: (n) => n === 'retireDatabase',
  },
];

export interface DataFaultLevels {
  /** Answers lost after AWS did the work, per data write. @default one per data run */
  lostPerWrite?: number;
  /** Calls delayed per data write, so that a kill can land in flight. @default one per data run */
  delayedPerWrite?: number;
  /** @default 2500 */
  delayMs?: number;
}

export function dataFaultRules(dataRuns: number, levels: DataFaultLevels = {}): FaultRule[] {
  if (dataRuns <= 0) return [];
  const { lostPerWrite = dataRuns, delayedPerWrite = dataRuns, delayMs = 2_500 } = levels;
  return DATA_WRITES.flatMap(({ label, service, action }): FaultRule[] => [
    ...(lostPerWrite > 0
      ? [{ id: `data-lose-${label}`, kind: 'lose-response' as const, service, action, count: lostPerWrite }]
      : []),
    ...(delayedPerWrite > 0
      ? [{ id: `data-delay-${label}`, kind: 'latency' as const, service, action, ms: delayMs, count: delayedPerWrite }]
      : []),
  ]);
}
