import { SEVERITIES } from '../rules/rule.js';
import { METRIC_ROWS } from './comparison.js';
import { num, percent, plural, value } from './format.js';
import type { Metrics } from './model.js';
import type { Rollup, RollupAccount } from './rollup.js';

/** Words and numbers the roll-up's HTML and Markdown share, so they never disagree. */

export const rollupTitle = 'Organization report';

/** A metric's total in words: percentages as such, `n/a` where no report had it. */
export function metricValue(metric: keyof Metrics, n: number | null): string {
  return metric === 'oidcShare' ? percent(n) : value(n);
}

/** The organization's totals, one row per headline measure of the per-account report. */
export function totalRows(rollup: Rollup): { label: string; total: string; unknownIn: number }[] {
  return METRIC_ROWS.map(({ metric, label }) => ({
    label,
    total: metricValue(metric, rollup.totals.metrics[metric]),
    unknownIn: rollup.totals.unknownIn[metric] ?? 0,
  }));
}

/** What the reader must know: who is left out of the totals, the roll-up's notes, and which totals are partial. */
export function rollupNotes(rollup: Rollup): string[] {
  const absent = [
    ...(rollup.missing.length > 0 ? [`${plural(rollup.missing.length, 'account')} without a report`] : []),
    ...(rollup.unreadable.length > 0 ? [plural(rollup.unreadable.length, 'unreadable report')] : []),
  ];
  const byCount = new Map<number, string[]>();
  for (const row of totalRows(rollup))
    if (row.unknownIn > 0) byCount.set(row.unknownIn, [...(byCount.get(row.unknownIn) ?? []), row.label]);
  return [
    ...(absent.length > 0 ? [`${absent.join(' and ')}: their numbers are in no total.`] : []),
    ...rollup.notes,
    ...[...byCount].map(
      ([n, labels]) =>
        `Not known for ${plural(n, 'account')}, so totalled over the others: ${labels.join('; ')}.`,
    ),
  ];
}

export const ACCOUNT_HEADERS = [
  'Account',
  ...SEVERITIES.map((s) => s[0]?.toUpperCase() + s.slice(1)),
  'Open',
  'Opened',
  'Resolved',
  'Suppressed',
  'Trust changes (widened)',
  'GitHub-trusted roles',
  'Admitting any owner',
  'CI users with keys',
  'Keys over 90 days',
  'OIDC share',
];

/** An account's (or the organization's) headline numbers after its name: counts as numbers, the rest in words. */
export function accountNumbers(
  row: Pick<RollupAccount, 'openAtEnd' | 'suppressedAtEnd' | 'metrics'>,
): (number | string)[] {
  const m = row.metrics;
  const known = (n: number | null) => n ?? value(n);
  return [
    ...SEVERITIES.map((s) => row.openAtEnd[s]),
    m.openFindings,
    m.opened,
    m.resolved,
    row.suppressedAtEnd,
    `${num(m.trustChanges)} (${num(m.trustWidened)})`,
    known(m.githubTrustedRoles),
    known(m.rolesAdmittingAnyOwner),
    known(m.ciUsersWithKeys),
    known(m.ciKeysOver90Days),
    percent(m.oidcShare),
  ];
}

export const WORST_HEADERS = ['Severity', 'Rule', 'Resource', 'Finding', 'First seen', 'Days open'];

/** Under an account's worst findings: how many of its open findings they are, and how they were chosen. */
export function worstCaption(row: RollupAccount): string {
  const w = row.worst;
  if (w.total === 0) return 'No finding was open at the end of the month.';
  const shown =
    w.items.length === w.total
      ? `${plural(w.total, 'open finding')}, most severe first`
      : `The ${num(w.items.length)} most severe of ${plural(w.total, 'open finding')}`;
  const chosen =
    w.chosenAmongOldest === undefined
      ? ''
      : ` (chosen among the ${num(w.chosenAmongOldest)} oldest: its report predates the most-severe list, so a newer, more severe one may be missing)`;
  return `${shown}${chosen}.`;
}

export const summaryLine = (rollup: Rollup) =>
  `${plural(rollup.totals.accounts, 'account')} reported · ${plural(rollup.missing.length, 'account')} without a report · ${plural(rollup.unreadable.length, 'unreadable report')}`;
