import type { Comparison, Metrics } from './model.js';

/** The measures compared month over month, with which way is better. */
export const METRIC_ROWS: { metric: keyof Metrics; label: string; better: 'lower' | 'higher' }[] = [
  { metric: 'openFindings', label: 'Open findings at month end', better: 'lower' },
  { metric: 'openCriticalHigh', label: 'Open critical and high findings', better: 'lower' },
  { metric: 'opened', label: 'Findings opened', better: 'lower' },
  { metric: 'resolved', label: 'Findings resolved', better: 'higher' },
  { metric: 'meanDaysToResolve', label: 'Mean days to resolve', better: 'lower' },
  { metric: 'oidcShare', label: 'Share of CI identities used via OIDC (%)', better: 'higher' },
  { metric: 'ciUsersWithKeys', label: 'CI users holding active keys', better: 'lower' },
  { metric: 'ciKeysOver90Days', label: 'CI keys older than 90 days', better: 'lower' },
  { metric: 'githubTrustedRoles', label: 'GitHub-trusted roles', better: 'lower' },
  { metric: 'rolesAdmittingAnyOwner', label: 'Roles admitting any owner', better: 'lower' },
  { metric: 'trustWidened', label: 'Trust policies widened', better: 'lower' },
  { metric: 'assumptions', label: 'Successful assumptions', better: 'higher' },
  { metric: 'denied', label: 'Refused assumptions', better: 'lower' },
  { metric: 'unusedRoles', label: 'Roles unused for 90 days', better: 'lower' },
];

/** Shares are stored as fractions and compared as percentages. */
const shown = (metric: keyof Metrics, value: number | null) =>
  value !== null && metric === 'oidcShare' ? Math.round(value * 1000) / 10 : value;

/** This month's headline numbers against the previous report's. */
export function compareMonths(previousMonth: string, previous: Metrics, current: Metrics): Comparison {
  return {
    previousMonth,
    previous,
    rows: METRIC_ROWS.map(({ metric, label, better }) => ({
      metric,
      label,
      previous: shown(metric, previous[metric]),
      current: shown(metric, current[metric]),
      better,
    })),
  };
}
