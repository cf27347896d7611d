import { SEVERITIES, severityRank } from '../rules/rule.js';
import * as z from '../zod.js';
import { readReport } from './json.js';
import {
  type FindingRef,
  FindingRefSchema,
  MetricsSchema,
  type Report,
  type SeverityCounts,
  SeverityCountsSchema,
} from './model.js';

/**
 * The organization's monthly roll-up: every account's report.json of one month read back, each
 * account's headline numbers and worst open findings, the organization's totals, and the accounts
 * whose report is missing or unreadable named, never skipped.
 */
export const ROLLUP_SCHEMA_VERSION = 1;

/** Open findings listed per account; its report and the totals have the rest. */
export const WORST_PER_ACCOUNT = 5;

const count = z.int().check(z.nonnegative());

const AccountRowSchema = z.object({
  account: z.string(),
  /** Where its report.json was read. */
  source: z.string(),
  generatedAt: z.string(),
  /** When its account state was read; null when its report had none (migration and trust numbers unknown). */
  snapshotAt: z.nullable(z.string()),
  metrics: MetricsSchema,
  openAtEnd: SeverityCountsSchema,
  suppressedAtEnd: count,
  /** Its most severe open findings, oldest first within a severity; `total` is every open finding. */
  worst: z.object({
    items: z.array(FindingRefSchema),
    total: count,
    /**
     * Set when the report predates its most-severe-first list: the findings were chosen among the
     * oldest open ones it lists, this many, and a more severe newer one may not be among them.
     */
    chosenAmongOldest: z.optional(count),
  }),
  /** Notes its report makes about its data. */
  notes: count,
});

export const RollupSchema = z.object({
  schemaVersion: z.literal(ROLLUP_SCHEMA_VERSION),
  month: z.string().check(z.regex(/^\d{4}-\d{2}$/)),
  /** Where the reports were looked for: s3://BUCKET/PREFIX or a directory. */
  source: z.string(),
  generatedAt: z.string(),
  /** What the reader should know about the data, in words. */
  notes: z.array(z.string()),
  totals: z.object({
    /** Accounts whose report was rolled up. */
    accounts: count,
    openAtEnd: SeverityCountsSchema,
    suppressedAtEnd: count,
    /**
     * The per-account metrics summed; the mean time to resolve weighted by findings resolved, the OIDC
     * share from the CI identities used. Null where no account's report had the number.
     */
    metrics: MetricsSchema,
    /** Metrics some reports lack (no account snapshot): metric → accounts without it; summed over the rest. */
    unknownIn: z.record(z.string(), count),
  }),
  /** Most critical and high open findings first. */
  accounts: z.array(AccountRowSchema),
  /** Accounts with no report for the month: where it was looked for. */
  missing: z.array(z.object({ account: z.string(), source: z.string() })),
  /** Reports that could not be read, and why: none of their numbers are in the totals. */
  unreadable: z.array(z.object({ account: z.string(), source: z.string(), problem: z.string() })),
});

export type Rollup = z.infer<typeof RollupSchema>;
export type RollupAccount = z.infer<typeof AccountRowSchema>;

/** Where a month's roll-up is written, in the central bucket and under the CLI's --out alike. */
export function rollupKey(month: string, format: 'html' | 'markdown' | 'json'): string {
  return `rollup/${month}/rollup.${format === 'markdown' ? 'md' : format}`;
}

export const renderRollupJson = (rollup: Rollup) => `${JSON.stringify(rollup, null, 2)}\n`;

/** One account's report.json as it was looked for: its text, why it could not be read, or that it is not there. */
export type FoundReport = { account: string; source: string } & (
  | { text: string }
  | { problem: string }
  | { absent: true }
);

export interface RollupInput {
  month: string;
  source: string;
  reports: FoundReport[];
  /** The accounts the organization expects a report from, when known (every one is looked for). */
  expected?: string[];
  generatedAt: string;
}

const bySeverityThenAge = (a: FindingRef, b: FindingRef) =>
  severityRank(b.severity) - severityRank(a.severity) || Date.parse(a.firstSeen) - Date.parse(b.firstSeen);

function worstOpen(report: Report): RollupAccount['worst'] {
  const listed = report.posture.worstOpen;
  const total = report.metrics.openFindings;
  if (listed) return { items: listed.items.slice(0, WORST_PER_ACCOUNT), total };
  const oldest = report.posture.oldestOpen;
  return {
    items: [...oldest.items].sort(bySeverityThenAge).slice(0, WORST_PER_ACCOUNT),
    total,
    ...(oldest.total > oldest.items.length ? { chosenAmongOldest: oldest.items.length } : {}),
  };
}

/** The report as read, or why it does not belong where it was found (a copy in the wrong folder must not count twice). */
function readAt(found: FoundReport & { text: string }, month: string): Report | { problem: string } {
  const read = readReport(found.text, found.source);
  if ('problem' in read) return read;
  if (read.account !== found.account)
    return { problem: `${found.source}: account: ${read.account}, not the folder's ${found.account}` };
  if (read.month !== month) return { problem: `${found.source}: month: ${read.month}, not ${month}` };
  return read;
}

function totals(reports: Report[]): Rollup['totals'] {
  const unknownIn: Record<string, number> = {};
  const sum = (
    metric:
      | 'openFindings'
      | 'openCriticalHigh'
      | 'opened'
      | 'resolved'
      | 'trustChanges'
      | 'trustWidened'
      | 'assumptions'
      | 'denied',
  ) => reports.reduce((n, r) => n + r.metrics[metric], 0);
  // A report without the account's state has no number here: the others are summed, and the reader told.
  const sumKnown = (
    metric:
      | 'ciUsersWithKeys'
      | 'ciKeysOver90Days'
      | 'githubTrustedRoles'
      | 'rolesAdmittingAnyOwner'
      | 'unusedRoles',
  ) => {
    const known = reports.map((r) => r.metrics[metric]).filter((n): n is number => n !== null);
    if (known.length < reports.length) unknownIn[metric] = reports.length - known.length;
    return known.length > 0 ? known.reduce((a, b) => a + b, 0) : null;
  };
  // Each account's mean is over the findings it resolved: weighting by them gives the organization's mean.
  const resolving = reports.filter((r) => r.metrics.meanDaysToResolve !== null);
  const resolved = resolving.reduce((n, r) => n + r.metrics.resolved, 0);
  const weighted = resolving.reduce((n, r) => n + (r.metrics.meanDaysToResolve ?? 0) * r.metrics.resolved, 0);
  const migrations = reports.flatMap((r) => (r.migration ? [r.migration] : []));
  if (migrations.length < reports.length) unknownIn.oidcShare = reports.length - migrations.length;
  const oidc = migrations.reduce((n, m) => n + m.oidcRolesUsed, 0);
  const used = oidc + migrations.reduce((n, m) => n + m.staticUsersUsed, 0);
  return {
    accounts: reports.length,
    openAtEnd: Object.fromEntries(
      SEVERITIES.map((s) => [s, reports.reduce((n, r) => n + r.posture.openAtEnd[s], 0)]),
    ) as SeverityCounts,
    suppressedAtEnd: reports.reduce((n, r) => n + r.posture.suppressedAtEnd, 0),
    metrics: {
      openFindings: sum('openFindings'),
      openCriticalHigh: sum('openCriticalHigh'),
      opened: sum('opened'),
      resolved: sum('resolved'),
      meanDaysToResolve: resolved > 0 ? Math.round((weighted / resolved) * 10) / 10 : null,
      oidcShare: used > 0 ? oidc / used : null,
      ciUsersWithKeys: sumKnown('ciUsersWithKeys'),
      ciKeysOver90Days: sumKnown('ciKeysOver90Days'),
      githubTrustedRoles: sumKnown('githubTrustedRoles'),
      rolesAdmittingAnyOwner: sumKnown('rolesAdmittingAnyOwner'),
      trustChanges: sum('trustChanges'),
      trustWidened: sum('trustWidened'),
      assumptions: sum('assumptions'),
      denied: sum('denied'),
      unusedRoles: sumKnown('unusedRoles'),
    },
    unknownIn,
  };
}

/** The roll-up of one month's reports; pure, so the CLI and the scheduled function build the same one. */
export function buildRollup(input: RollupInput): Rollup {
  const rows: { report: Report; source: string }[] = [];
  const missing: Rollup['missing'] = [];
  const unreadable: Rollup['unreadable'] = [];
  const seen = new Set<string>();
  for (const found of [...input.reports].sort((a, b) => a.account.localeCompare(b.account))) {
    if (seen.has(found.account)) continue;
    seen.add(found.account);
    if ('absent' in found) missing.push({ account: found.account, source: found.source });
    else if ('problem' in found) unreadable.push({ ...found });
    else {
      const read = readAt(found, input.month);
      if ('problem' in read) unreadable.push({ account: found.account, source: found.source, ...read });
      else rows.push({ report: read, source: found.source });
    }
  }
  const notes: string[] = [];
  const expected = new Set(input.expected ?? []);
  for (const account of expected)
    if (!seen.has(account)) missing.push({ account, source: 'no report found' });
  const unlisted = [...seen].filter((a) => input.expected && !expected.has(a));
  if (unlisted.length > 0)
    notes.push(`Found here but not in the accounts list, and included: ${unlisted.join(', ')}.`);
  const partial = rows.filter((r) => r.report.snapshotAt === null).map((r) => r.report.account);
  if (partial.length > 0)
    notes.push(
      `${partial.length} report${partial.length === 1 ? ' was' : 's were'} written without the account's state (migration and trust numbers unknown there): ${partial.join(', ')}.`,
    );
  const accounts = rows
    .map(
      ({ report, source }): RollupAccount => ({
        account: report.account,
        source,
        generatedAt: report.generatedAt,
        snapshotAt: report.snapshotAt,
        metrics: report.metrics,
        openAtEnd: report.posture.openAtEnd,
        suppressedAtEnd: report.posture.suppressedAtEnd,
        worst: worstOpen(report),
        notes: report.notes.length,
      }),
    )
    .sort(
      (a, b) =>
        b.metrics.openCriticalHigh - a.metrics.openCriticalHigh ||
        b.metrics.openFindings - a.metrics.openFindings ||
        a.account.localeCompare(b.account),
    );
  return {
    schemaVersion: ROLLUP_SCHEMA_VERSION,
    month: input.month,
    source: input.source,
    generatedAt: input.generatedAt,
    notes,
    totals: totals(rows.map((r) => r.report)),
    accounts,
    missing: missing.sort((a, b) => a.account.localeCompare(b.account)),
    unreadable,
  };
}
