/**
 * What a drill's `rtoSeconds` measured, in named parts: pure, from what the drill already has (the
 * failover rehearsal's report and the promotion rehearsal), so drills recorded before the parts
 * existed replay unchanged and report them too.
 */
import type { FailoverReport } from '../failover/types';
import type { PromotionRehearsal, RtoPart } from './types';

export const RTO_PARTS = { switch: 'switch', promotion: 'promotion' } as const;

export interface DrillRto {
  rtoSeconds: number | null;
  rtoParts: RtoPart[];
  rtoSummary: string;
}

const tenths = (n: number) => Math.round(n * 10) / 10;

/** Not in a drill's RTO, and why, said once in the summary. */
const NOT_COUNTED =
  'Not counted: the wait for a decision, the drill record setup and deletion, and recovery (a drill waits for no health signal).';

/**
 * `rtoSeconds` is the rehearsed switch (the failover rehearsal's own RTO: from its start, less the drill
 * record's setup, to the verified switch of the drill record) plus, with `rehearsePromotion`, the
 * rehearsed promotion (PromoteReadReplica until the temporary replica is standalone and available),
 * since a drill's switch promotes nothing. Null when the switch was not measured.
 */
export function drillRto(
  failoverId: string,
  failover: FailoverReport | null,
  rehearsal: PromotionRehearsal | undefined,
): DrillRto {
  const parts: RtoPart[] = [];
  const switched = failover?.rtoSeconds ?? null;
  if (switched !== null)
    parts.push({
      name: RTO_PARTS.switch,
      seconds: switched,
      measuredBy: `failover rehearsal ${failoverId}: from its start, less the drill record setup, to the verified switch of ${failover?.recordName ?? 'the drill record'}`,
    });
  const promoted = rehearsal?.promotionSeconds ?? null;
  if (promoted !== null && rehearsal)
    parts.push({
      name: RTO_PARTS.promotion,
      seconds: promoted,
      measuredBy: `promotion rehearsal ${rehearsal.dbInstanceIdentifier}`,
    });
  if (switched === null)
    return {
      rtoSeconds: null,
      rtoParts: parts,
      rtoSummary: `rtoSeconds not measured: the failover rehearsal did not switch the drill record. ${NOT_COUNTED}`,
    };
  const rtoSeconds = parts.length > 1 ? tenths(parts.reduce((sum, p) => sum + p.seconds, 0)) : switched;
  const terms = parts.map((p) => `${p.name} ${p.seconds} s`).join(' + ');
  const promotionNote =
    promoted === null
      ? rehearsal
        ? ' The promotion rehearsal did not finish, so no promotion time is in it.'
        : ' No promotion was rehearsed (rehearsePromotion), so no promotion time is in it.'
      : '';
  return {
    rtoSeconds,
    rtoParts: parts,
    rtoSummary: `rtoSeconds ${rtoSeconds} = ${terms}.${promotionNote} ${NOT_COUNTED}`,
  };
}

/** `RTO 12.3 s (switch 4.2 s + promotion 8.1 s), target 300 s`, for the CLI; reports without parts read as before. */
export function describeDrillRto(r: {
  rtoSeconds: number | null;
  rtoTargetSeconds: number;
  rtoParts?: RtoPart[];
}): string {
  const parts = r.rtoParts?.length ? ` (${r.rtoParts.map((p) => `${p.name} ${p.seconds} s`).join(' + ')})` : '';
  return `RTO ${r.rtoSeconds === null ? 'not measured' : `${r.rtoSeconds} s${parts}`}, target ${r.rtoTargetSeconds} s`;
}
