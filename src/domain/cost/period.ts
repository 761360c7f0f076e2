/**
 * Calendar days as Cost Explorer takes them: `YYYY-MM-DD` in UTC, start inclusive, end exclusive.
 * "Today" always comes in from outside (the workflow's start time), never from the clock here.
 */
import type { CostGranularity, CostReportRequest } from './types';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function isoDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: string, days: number): string {
  return isoDay(new Date(dayStartMs(day) + days * DAY_MS));
}

export function daysBetween(start: string, end: string): number {
  return Math.round((dayStartMs(end) - dayStartMs(start)) / DAY_MS);
}

export function firstOfMonth(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function firstOfNextMonth(day: string): string {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

export interface ResolvedPeriod {
  start: string;
  end: string;
  granularity: CostGranularity;
}

/** The request's period, or the current month (up to the first of the next) by default. */
export function resolvePeriod(req: CostReportRequest, today: string): ResolvedPeriod {
  return {
    start: req.start ?? firstOfMonth(today),
    end: req.end ?? firstOfNextMonth(today),
    granularity: req.granularity ?? 'MONTHLY',
  };
}

/** The rest of the current month, when the period reaches into it; Cost Explorer forecasts from today on. */
export function forecastWindow(period: ResolvedPeriod, today: string): { start: string; end: string } | undefined {
  if (period.end <= today) return undefined;
  return { start: today, end: firstOfNextMonth(today) };
}
