/**
 * The names a protection gives what it makes, derived from the replica's identifier (or the run's
 * start), so a retried or repeated run finds its earlier work by name before it creates anything.
 */
import { PROTECTION_ID_TAG } from './types';

/** RDS instance identifiers: a letter, then letters, digits and single hyphens, at most 63. */
export const DB_ID_MAX = 63;
export const DB_ID = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}$/;
const STAMP_LENGTH = 12;
const RETIRED_SUFFIX = `-retired-${'0'.repeat(STAMP_LENGTH)}`.length;
const DRILL_SUFFIX = `-drill-${'0'.repeat(STAMP_LENGTH)}`.length;

export const subnetGroupName = (replicaId: string): string => `${replicaId}-subnets`;
export const securityGroupName = (replicaId: string): string => `${replicaId}-db`;

/** `yyyymmddhhmm` in UTC. */
export function minuteStamp(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, STAMP_LENGTH);
}

/** The old primary's name once retired: `<id>-retired-<yyyymmddhhmm>` of the run's start. */
export const retiredName = (id: string, runStart: Date): string => `${id}-retired-${minuteStamp(runStart)}`;
/** Any retired name of `id`, for finding one an earlier run made. */
export const isRetiredNameOf = (name: string, id: string): boolean =>
  new RegExp(`^${id}-retired-\\d{${STAMP_LENGTH}}$`, 'i').test(name);
/** The drill's temporary replica: `<replica id>-drill-<yyyymmddhhmm>`. */
export const drillReplicaName = (replicaId: string, runStart: Date): string =>
  `${replicaId}-drill-${minuteStamp(runStart)}`;

/** Whether the names derived from `id` still fit RDS's 63 characters. */
export const fitsRetiredName = (id: string): boolean => id.length + RETIRED_SUFFIX <= DB_ID_MAX;
export const fitsDrillName = (id: string): boolean => id.length + DRILL_SUFFIX <= DB_ID_MAX;

/** The tags of everything a protection creates: the request's, then its own id. */
export function protectionTags(protectionId: string, userTags: Record<string, string> | undefined) {
  return { ...userTags, [PROTECTION_ID_TAG]: protectionId };
}

/** The CLI's default workflow ids: from what the command acts on, so a second run reuses the id. */
export const protectWorkflowId = (replica: { region: string; dbInstanceIdentifier: string }): string =>
  `protect-${replica.region}-${replica.dbInstanceIdentifier}`;
// The re-protection's default id names both databases: src/cli/default-ids.ts.
