import { z } from 'zod';
import { daysBetween, firstOfNextMonth, isIsoDate, resolvePeriod } from './period';
import type { CostReportRequest } from './types';
import { firstIssue, type Validated } from '../validation';
import { peeringTargetSchema, peeringRegionsError } from '../peering/validate';

/** One report stays a few Cost Explorer pages: a quarter of days, or 38 months (multi-year history). */
export const MAX_DAILY_DAYS = 92;
export const MAX_MONTHLY_MONTHS = 38;

const day = z.string().refine(isIsoDate, 'must be a calendar date as YYYY-MM-DD');

const request = z.strictObject({
  peering: peeringTargetSchema,
  start: day.optional(),
  end: day.optional(),
  granularity: z
    .enum(['MONTHLY', 'DAILY'], { message: 'must be MONTHLY or DAILY (HOURLY needs an opt-in and costs more)' })
    .optional(),
  budgetUsd: z.number({ message: 'must be a number of US dollars' }).finite().min(0, 'must be 0 or more').optional(),
});

const months = (start: string, end: string) =>
  (Number(end.slice(0, 4)) - Number(start.slice(0, 4))) * 12 + Number(end.slice(5, 7)) - Number(start.slice(5, 7));

/** Checks a cost report request; `today` (UTC, `YYYY-MM-DD`) bounds the period as Cost Explorer does. */
export function validateCostReportRequest(input: unknown, today: string): Validated<CostReportRequest> {
  const parsed = request.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  const req: CostReportRequest = parsed.data;
  const regions = peeringRegionsError(req.peering);
  if (regions) return { ok: false, error: regions };
  const period = resolvePeriod(req, today);
  if (period.end <= period.start)
    return { ok: false, error: { field: 'end', reason: `must be after start (${period.start})` } };
  const latest = firstOfNextMonth(today);
  if (period.end > latest)
    return {
      ok: false,
      error: { field: 'end', reason: `is past ${latest}; Cost Explorer ends at the first day of next month` },
    };
  if (period.granularity === 'DAILY' && daysBetween(period.start, period.end) > MAX_DAILY_DAYS)
    return {
      ok: false,
      error: { field: 'start', reason: `a DAILY report covers at most ${MAX_DAILY_DAYS} days; use MONTHLY` },
    };
  if (months(period.start, period.end) > MAX_MONTHLY_MONTHS)
    return { ok: false, error: { field: 'start', reason: `a report covers at most ${MAX_MONTHLY_MONTHS} months` } };
  return { ok: true, value: req };
}
