import { daysSpanned, type ObservationWindow, type ObservedSubject } from './observed.js';

/** Days of data a proposal needs by default: a job that runs every other week shows up at least once. */
export const DEFAULT_MIN_DAYS = 14;

/**
 * What the window shows of the role's use. Days of data are counted from the first to the last day
 * with a successful assumption of the role in the window, both included: a role seen on one day only
 * has one day of data however long the window.
 */
export interface ActivityCheck {
  window: ObservationWindow;
  /** First and last day with a successful assumption; null when there was none. */
  firstSeen: string | null;
  lastSeen: string | null;
  daysOfData: number;
  minDays: number;
  /** Why no proposal is made, when one is not. */
  refusal?: string;
}

export function checkActivity(
  observed: readonly ObservedSubject[],
  window: ObservationWindow,
  minDays = DEFAULT_MIN_DAYS,
): ActivityCheck {
  const used = observed.filter((o) => o.succeeded > 0);
  if (used.length === 0) {
    return {
      window,
      firstSeen: null,
      lastSeen: null,
      daysOfData: 0,
      minDays,
      refusal: `no successful assumption from ${window.from} to ${window.to}: a proposal would lock out every workflow (remove the role or its GitHub trust by hand if it is unused)`,
    };
  }
  const days = used.flatMap((o) => [o.firstSeen, o.lastSeen]).sort();
  const firstSeen = days[0] as string;
  const lastSeen = days.at(-1) as string;
  const daysOfData = daysSpanned(firstSeen, lastSeen);
  const check = { window, firstSeen, lastSeen, daysOfData, minDays };
  if (daysOfData >= minDays) return check;
  return {
    ...check,
    refusal: `only ${daysOfData} day${daysOfData === 1 ? '' : 's'} of data (${firstSeen} to ${lastSeen}), fewer than ${minDays}: a workflow that runs less often (a monthly job, a release) may not have shown up yet`,
  };
}
