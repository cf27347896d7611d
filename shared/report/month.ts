/** One calendar month in UTC: reports never follow the reader's time zone. */
export interface Month {
  /** YYYY-MM */
  id: string;
  /** First instant of the month, inclusive (ISO 8601, UTC). */
  start: string;
  /** First instant of the next month, exclusive. */
  end: string;
  /** Every day of the month, YYYY-MM-DD. */
  days: string[];
}

export class MonthError extends Error {}

const DAY_MS = 86_400_000;

/** Before this year there is no CloudTrail record to report on, and Date.UTC reads years 0–99 as 1900–1999. */
const FIRST_YEAR = 1970;

/** `2026-10` as a UTC month; anything else (`2026-13`, `26-10`, `2026-1`, `0000-01`) is refused with a reason. */
export function parseMonth(text: string): Month {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  const month = Number(m?.[2]);
  if (!m || month < 1 || month > 12)
    throw new MonthError(`"${text}" is not a month: give YYYY-MM, e.g. 2026-10`);
  const year = Number(m[1]);
  if (year < FIRST_YEAR) throw new MonthError(`"${text}": the year must be ${FIRST_YEAR} or later`);
  return monthOf(Date.UTC(year, month - 1, 1));
}

/** The UTC month an instant falls in. */
export function monthOf(time: number): Month {
  const date = new Date(time);
  const startMs = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const endMs = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  const days: string[] = [];
  for (let t = startMs; t < endMs; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return {
    id: new Date(startMs).toISOString().slice(0, 7),
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    days,
  };
}

export function previousMonth(month: Month): Month {
  return monthOf(Date.parse(month.start) - 1);
}

/**
 * Whether an ISO 8601 time falls in the month. Times are compared as instants, so
 * `2026-11-01T00:30:00+02:00` belongs to October however it is written.
 */
export function inMonth(iso: string | undefined, month: Month): boolean {
  if (iso === undefined) return false;
  const t = Date.parse(iso);
  return t >= Date.parse(month.start) && t < Date.parse(month.end);
}

/** Whether an ISO 8601 time is before the end of the month. */
export function beforeEnd(iso: string, month: Month): boolean {
  return Date.parse(iso) < Date.parse(month.end);
}

/** Whole days from `from` to `to` (ISO 8601 times), rounded down. */
export function daysBetween(from: string, to: string): number {
  return Math.floor((Date.parse(to) - Date.parse(from)) / DAY_MS);
}

/** The day `n` days before the last day of the month, YYYY-MM-DD. */
export function dayBeforeEnd(month: Month, n: number): string {
  return new Date(Date.parse(month.end) - (n + 1) * DAY_MS).toISOString().slice(0, 10);
}

/** `October 2026`, for headings. */
export function monthName(month: Month): string {
  return new Date(month.start).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}
