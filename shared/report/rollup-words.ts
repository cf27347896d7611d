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

/** What the reader must know: the roll-up's notes and every total that leaves accounts out. */
export function rollupNotes(rollup: Rollup): string[] {
  const partial = totalRows(rollup)
    .filter((r) => r.unknownIn > 0)
    .map((r) => `${r.label}: not known for ${plural(r.unknownIn, 'account')}; the total is of the others.`);
  const missing =
    rollup.missing.length + rollup.unreadable.length > 0
      ? [
          `${plural(rollup.missing.length, 'account')} without a report and ${plural(rollup.unreadable.length, 'unreadable report')}: their numbers are in no total.`,
        ]
      : [];
  return [...missing, ...rollup.notes, ...partial];
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
