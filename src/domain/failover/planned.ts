/**
 * A planned failover (a failback, or a rehearsal with no data loss): its request fields, their
 * checks, and the wording and timing of the fence and the drain. Pure, shared by the workflow and
 * the CLI's validation.
 */
import ms, { type StringValue } from 'ms';
import { z } from 'zod';
import type { InvalidField } from '../validation';
import { DEFAULT_DRAIN_TIMEOUT } from './rpo-types';
import type { FailoverRequest, ScaleAction } from './types';

const MIN_DRAIN_MS = 1_000;
/** The drain waits in one activity; an hour without the lag reaching 0 means the writers were not fenced. */
export const MAX_DRAIN_MS = 3_600_000;

const drainMs = (text: string): number | undefined => {
  try {
    const value = ms(text.trim() as StringValue);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined; // ms throws on an empty or over-long string
  }
};

/** The request fields of planned mode, composed into the failover request's schema. */
export const plannedFields = {
  mode: z.enum(['unplanned', 'planned'], { message: 'must be "unplanned" or "planned"' }).optional(),
  drainTimeout: z
    .string()
    .refine((t) => drainMs(t) !== undefined, 'must be a duration such as "10m" or "90s"')
    .refine(
      (t) => (drainMs(t) ?? 0) >= MIN_DRAIN_MS && (drainMs(t) ?? 0) <= MAX_DRAIN_MS,
      'must be between 1 second and 1 hour',
    )
    .optional(),
};

export const isPlanned = (req: Pick<FailoverRequest, 'mode'>): boolean => req.mode === 'planned';

/** The scale actions that fence the writers (planned mode), in request order. */
export const fenceActions = (req: FailoverRequest): ScaleAction[] =>
  (req.scale ?? []).filter((a) => a.when === 'fence');

/** Milliseconds the drain may take. */
export const drainTimeoutMs = (req: FailoverRequest): number =>
  drainMs(req.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT) ?? drainMs(DEFAULT_DRAIN_TIMEOUT)!;

/** The rules between fields of planned mode. */
export function checkPlanned(req: FailoverRequest): InvalidField | undefined {
  const planned = isPlanned(req);
  const fence = (req.scale ?? []).findIndex((a) => a.when === 'fence');
  if (!planned && fence >= 0)
    return {
      field: `scale[${fence}].when`,
      reason:
        'is "fence", which only a planned run uses (mode "planned"): an unplanned failover cannot count on the source region',
    };
  if (!planned && req.drainTimeout !== undefined)
    return { field: 'drainTimeout', reason: 'is only used with mode "planned": there is nothing to drain' };
  const away = (req.scale ?? []).findIndex((a) => a.when === 'fence' && a.region !== req.from.region);
  if (away >= 0)
    return {
      field: `scale[${away}].region`,
      reason: `is not from.region (${req.from.region}); a fence stops the writers in the region traffic leaves`,
    };
  return undefined;
}

/**
 * The start of the first whole minute at or after `t`. CloudWatch rounds a period's start down to
 * the minute, so the first period "after the fence" starts at the next whole minute: a period that
 * began before the fence ended may hold a lag measured while writers still wrote.
 */
export function firstPeriodAfter(t: Date): Date {
  const minute = 60_000;
  return new Date(Math.ceil(t.getTime() / minute) * minute);
}
