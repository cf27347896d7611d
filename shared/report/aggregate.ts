import type { Baseline } from '../baseline/baseline.js';
import type { Config } from '../config/config.js';
import type { AssumptionCount, StoredFinding } from '../findings/store.js';
import type { Snapshot } from '../inventory/snapshot.js';
import { activity, assumptionsByRole, TOP_SERIES, UNUSED_DAYS } from './activity.js';
import { bound } from './bounded.js';
import { compareMonths } from './comparison.js';
import { migration } from './migration.js';
import { type Metrics, REPORT_SCHEMA_VERSION, type Report } from './model.js';
import { beforeEnd, dayBeforeEnd, type Month, monthName, previousMonth } from './month.js';
import { posture } from './posture.js';
import { tightenable } from './tightenable.js';
import { githubTrustedRoles, trustChanges, trustedRoles } from './trust.js';

/** GitHub-trusted roles analysed in the report; the JSON holds them all up to this. */
const TRUSTED_ROLE_LIMIT = 200;

export interface ReportInput {
  account: string;
  month: Month;
  /** Every finding in the state store, any status. */
  findings: StoredFinding[];
  /** Assumption counters from `assumptionWindow(month)`. */
  assumptions: AssumptionCount[];
  /** The account now; without one the migration and trust sections say they are absent. */
  snapshot?: Snapshot;
  /** Why there is no snapshot, when reading the account failed. */
  snapshotProblem?: string;
  config: Config;
  baseline?: Baseline;
  /** The previous month's report, or why it could not be used. */
  previous?: Report | { problem: string };
  generatedAt: string;
}

/** The days of counters a report reads: the month, and the 90 days up to its end for unused roles. */
export function assumptionWindow(month: Month): { from: string; to: string } {
  // 90 days reach back past the start of any month.
  return { from: dayBeforeEnd(month, UNUSED_DAYS - 1), to: month.days.at(-1) as string };
}

/** One UTC month of findings, assumption counters and account state as a report. Pure. */
export function buildReport(input: ReportInput): Report {
  const { month, findings, snapshot } = input;
  const notes: string[] = [];
  const oidcAssumptions = assumptionsByRole(input.assumptions, month);
  const github = snapshot
    ? githubTrustedRoles(snapshot.roles).filter((r) => beforeEnd(r.created ?? month.start, month))
    : undefined;
  if (!snapshot) {
    const why = input.snapshotProblem
      ? `The account could not be read (${input.snapshotProblem})`
      : 'No account snapshot was available';
    notes.push(`${why}: OIDC migration, trusted roles and unused roles are not reported.`);
  } else if (Date.parse(snapshot.collectedAt) > Date.parse(month.end) + 7 * 86_400_000) {
    notes.push(
      `The account state was read on ${snapshot.collectedAt.slice(0, 10)}, well after the month ended: trust policies and keys are as they were then.`,
    );
  }
  for (const gap of snapshot?.gaps ?? [])
    notes.push(`Not read from the account: ${gap.resource} (${gap.operation}: ${gap.reason}).`);
  if (input.assumptions.length === 0)
    notes.push(
      'No assumption counters were recorded for this period: activity is empty, not necessarily absent.',
    );
  const post = posture(findings, month);
  const mig = snapshot
    ? migration({
        snapshot,
        config: input.config,
        ...(input.baseline ? { baseline: input.baseline } : {}),
        findings,
        oidcAssumptions,
        month,
      })
    : null;
  const analysed = github ? trustedRoles(github) : undefined;
  const roles = analysed ? bound(analysed, TRUSTED_ROLE_LIMIT) : null;
  const { widened, ...changes } = trustChanges(findings, month);
  const act = activity({
    counts: input.assumptions,
    findings,
    ...(github ? { githubRoles: github } : {}),
    month,
  });
  const tighten =
    github && analysed
      ? tightenable({
          roles: github,
          analysed,
          counts: input.assumptions,
          month,
          github: input.config.github,
          minDays: input.config.tightenMinDays,
        })
      : null;
  notes.push(...summarised(post, mig, roles, act));
  if (tighten && tighten.roles.total > tighten.roles.items.length)
    notes.push(
      `Roles that can be tightened: the first ${tighten.roles.items.length} of ${tighten.roles.total} are listed.`,
    );

  const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
  const metrics: Metrics = {
    openFindings: sum(post.openAtEnd),
    openCriticalHigh: post.openAtEnd.critical + post.openAtEnd.high,
    opened: sum(post.opened),
    resolved: sum(post.resolved),
    meanDaysToResolve: post.meanDaysToResolve,
    oidcShare: mig?.oidcShare ?? null,
    ciUsersWithKeys: mig ? mig.ciUsersWithKeys.total : null,
    ciKeysOver90Days: mig ? mig.keyAges.slice(2, 5).reduce((a, b) => a + b.count, 0) : null,
    githubTrustedRoles: roles ? roles.total : null,
    rolesAdmittingAnyOwner: analysed ? analysed.filter((r) => r.anyOwner).length : null,
    trustChanges: changes.total,
    trustWidened: widened,
    assumptions: act.perDay.reduce((a, d) => a + d.succeeded, 0),
    denied: act.perDay.reduce((a, d) => a + d.denied, 0),
    unusedRoles: github ? act.unusedRoles.total : null,
  };
  const before = previousMonth(month);
  let comparison: Report['comparison'] = null;
  if (input.previous === undefined) {
    notes.push(`No report for ${monthName(before)} was found: there is no month-over-month comparison.`);
  } else if ('problem' in input.previous) {
    notes.push(
      `The report for ${monthName(before)} could not be used (${input.previous.problem}): there is no month-over-month comparison.`,
    );
  } else {
    comparison = compareMonths(before.id, input.previous.metrics, metrics);
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    account: input.account,
    month: month.id,
    period: { start: month.start, end: month.end },
    generatedAt: input.generatedAt,
    snapshotAt: snapshot?.collectedAt ?? null,
    notes,
    metrics,
    posture: post,
    migration: mig,
    trust: { roles, changes },
    activity: act,
    tightenable: tighten,
    comparison,
  };
}

/** Says which lists were cut to their first rows and which charts summed the rest. */
function summarised(
  post: Report['posture'],
  mig: Report['migration'],
  roles: Report['trust']['roles'],
  act: Report['activity'],
): string[] {
  const cut = (what: string, list: { items: unknown[]; total: number }) =>
    list.total > list.items.length
      ? [`${what}: the first ${list.items.length} of ${list.total} are listed.`]
      : [];
  return [
    ...cut('Oldest open findings', post.oldestOpen),
    ...cut('Findings opened this month', post.openedThisMonth),
    ...cut('Findings resolved this month', post.resolvedThisMonth),
    ...cut('Suppressions', post.suppressions),
    ...(mig ? cut('CI users holding keys', mig.ciUsersWithKeys) : []),
    ...(roles ? cut('GitHub-trusted roles (widest first)', roles) : []),
    ...cut('Refused role and subject pairs', act.denied),
    ...cut('Unused roles', act.unusedRoles),
    ...(act.roles.others
      ? [
          `Assumptions per role: the ${TOP_SERIES} busiest roles are shown; the other ${act.roles.total - TOP_SERIES} are summed in one row.`,
        ]
      : []),
    ...(act.repositories.others
      ? [
          `Assumptions per repository: the ${TOP_SERIES} busiest repositories are shown; the other ${act.repositories.total - TOP_SERIES} are summed in one row.`,
        ]
      : []),
  ];
}
