import type { AssumptionCount } from '../findings/store.js';

/** One subject's assumptions of a role over the window, from the daily counters. */
export interface ObservedSubject {
  subject: string;
  succeeded: number;
  denied: number;
  /** First and last day (YYYY-MM-DD) with a successful assumption; with none, with a refused one. */
  firstSeen: string;
  lastSeen: string;
}

/** The days the counters are read for: `days` days ending with `until`, both inclusive (UTC). */
export interface ObservationWindow {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;

/** The window of `days` days (at least one) whose last day is `until` (YYYY-MM-DD). */
export function observationWindow(until: string, days: number): ObservationWindow {
  const end = Date.parse(`${until}T00:00:00Z`);
  if (Number.isNaN(end) || !/^\d{4}-\d{2}-\d{2}$/.test(until))
    throw new RangeError(`${until} is not a day (YYYY-MM-DD)`);
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`a window of ${days} days`);
  return { from: new Date(end - (days - 1) * DAY_MS).toISOString().slice(0, 10), to: until };
}

/** Days from `first` to `last`, both counted (YYYY-MM-DD). */
export function daysSpanned(first: string, last: string): number {
  return Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The role name a counter's ARN ends with (counters match roles by name). */
export const roleNameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/**
 * The subjects that assumed the role (or tried to) in the window, most used first. Counters match by
 * the role's name (unique in an account; the ARN a caller passes may spell the path differently).
 */
export function observedSubjects(
  counts: readonly AssumptionCount[],
  roleName: string,
  window: ObservationWindow,
): ObservedSubject[] {
  const bySubject = new Map<string, ObservedSubject & { deniedFirst: string; deniedLast: string }>();
  for (const c of counts) {
    if (c.day < window.from || c.day > window.to) continue;
    if (roleNameOf(c.roleArn) !== roleName) continue;
    let entry = bySubject.get(c.subject);
    if (!entry) {
      entry = {
        subject: c.subject,
        succeeded: 0,
        denied: 0,
        firstSeen: '',
        lastSeen: '',
        deniedFirst: c.day,
        deniedLast: c.day,
      };
      bySubject.set(c.subject, entry);
    }
    entry.succeeded += c.succeeded;
    entry.denied += c.denied;
    if (c.succeeded > 0) {
      if (entry.firstSeen === '' || c.day < entry.firstSeen) entry.firstSeen = c.day;
      if (c.day > entry.lastSeen) entry.lastSeen = c.day;
    }
    if (c.day < entry.deniedFirst) entry.deniedFirst = c.day;
    if (c.day > entry.deniedLast) entry.deniedLast = c.day;
  }
  return [...bySubject.values()]
    .map(({ deniedFirst, deniedLast, ...s }) =>
      s.succeeded > 0 ? s : { ...s, firstSeen: deniedFirst, lastSeen: deniedLast },
    )
    .sort((a, b) => b.succeeded - a.succeeded || b.denied - a.denied || a.subject.localeCompare(b.subject));
}
