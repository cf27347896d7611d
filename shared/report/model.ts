import { SEVERITIES, type Severity } from '../rules/rule.js';
import * as z from '../zod.js';

/**
 * The monthly report as data: what the HTML, Markdown, text and Slack forms render and what the JSON
 * form stores (next month's report reads it back for the month-over-month comparison).
 */
export const REPORT_SCHEMA_VERSION = 1;

const count = z.int().check(z.nonnegative());
const severityEnum = z.enum(SEVERITIES as [Severity, ...Severity[]]);
export const SeverityCountsSchema = z.object(
  Object.fromEntries(SEVERITIES.map((s) => [s, count])) as Record<Severity, typeof count>,
);

export const FindingRefSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  severity: severityEnum,
  title: z.string(),
  resource: z.string(),
  firstSeen: z.string(),
  resolvedAt: z.optional(z.string()),
  /** Days open at the end of the month (open ones) or until resolved (resolved ones). */
  days: count,
  /**
   * What the finding says (its evidence, the event behind it) as the alerts show it, a line each; absent
   * in reports written before they carried it.
   */
  facts: z.optional(z.array(z.object({ key: z.string(), label: z.string(), text: z.string() }))),
});

/** A list cut to its first items; `total` says how many there were. */
const bounded = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), total: count });

const PostureSchema = z.object({
  openAtEnd: SeverityCountsSchema,
  suppressedAtEnd: count,
  opened: SeverityCountsSchema,
  resolved: SeverityCountsSchema,
  /** Of the findings resolved this month; null when none was. */
  meanDaysToResolve: z.nullable(z.number().check(z.nonnegative())),
  oldestOpen: bounded(FindingRefSchema),
  /**
   * The open ones again, most severe first and oldest first within a severity: what the organization's
   * roll-up lists. Absent in reports written before it existed.
   */
  worstOpen: z.optional(bounded(FindingRefSchema)),
  openedThisMonth: bounded(FindingRefSchema),
  resolvedThisMonth: bounded(FindingRefSchema),
  suppressions: bounded(
    z.object({
      ruleId: z.string(),
      resource: z.string(),
      reason: z.string(),
      expires: z.string(),
      /** Days from the end of the month to the expiry; negative when it has expired. */
      daysLeft: z.int(),
    }),
  ),
});

const CiUserSchema = z.object({
  name: z.string(),
  activeKeys: count,
  oldestKeyDays: count,
  lastUsed: z.nullable(z.string()),
});

const MigrationSchema = z.object({
  /** GitHub-trusted roles assumed successfully this month. */
  oidcRolesUsed: count,
  /** CI users whose active key was last used this month or later (IAM keeps only the last use). */
  staticUsersUsed: count,
  /** oidcRolesUsed among the CI identities used; null when neither was. */
  oidcShare: z.nullable(z.number().check(z.minimum(0), z.maximum(1))),
  oidcAssumptions: count,
  /** Distinct static keys seen used by GitHub Actions this month (activity.static-key-from-actions). */
  keysUsedFromActions: count,
  ciUsersWithKeys: bounded(CiUserSchema),
  /** Active keys of CI users by age at the end of the month. */
  keyAges: z.array(z.object({ label: z.string(), count })),
  rotatedThisMonth: bounded(z.object({ user: z.string(), created: z.string() })),
});

const OwnerSchema = z.object({
  name: z.string(),
  /** A repository of this owner nobody named gets in. */
  anyRepository: z.boolean(),
  /** Repositories the policy's Allow sub patterns name for this owner. */
  repositories: z.array(z.string()),
});

const TrustedRoleSchema = z.object({
  name: z.string(),
  arn: z.string(),
  /** Owners nobody listed get in. */
  anyOwner: z.boolean(),
  owners: z.array(OwnerSchema),
  subjects: z.array(z.string()),
  /** Why the policy could not be analysed, when it could not. */
  problem: z.optional(z.string()),
});

const TrustChangeSchema = z.object({
  role: z.string(),
  verdict: z.enum(['wider', 'narrower', 'incomparable', 'new']),
  at: z.string(),
  /** Who made the change, from the CloudTrail event; null when the audit found it without one. */
  by: z.nullable(z.string()),
  before: z.array(z.string()),
  after: z.array(z.string()),
  /** What shows the change: a subject let in now, or no longer, or that the role was deleted. */
  example: z.optional(z.string()),
});

const SeriesSchema = z.object({
  label: z.string(),
  succeeded: count,
  denied: count,
  /** Successful assumptions per day of the month. */
  perDay: z.array(count),
});

const ActivitySchema = z.object({
  perDay: z.array(z.object({ day: z.string(), succeeded: count, denied: count })),
  /** The busiest roles; `others` sums the rest. */
  roles: z.object({ top: z.array(SeriesSchema), others: z.nullable(SeriesSchema), total: count }),
  repositories: z.object({ top: z.array(SeriesSchema), others: z.nullable(SeriesSchema), total: count }),
  denied: bounded(
    z.object({
      role: z.string(),
      subject: z.string(),
      count,
      /** Why AWS refused, from the activity.assume-denied finding; null when none recorded one. */
      diagnosis: z.nullable(z.array(z.string())),
    }),
  ),
  unusedRoles: bounded(z.object({ name: z.string(), lastUsed: z.nullable(z.string()) })),
});

const TightenableSchema = z.object({
  /** The 90 days to the end of the month whose assumptions count. */
  window: z.object({ from: z.string(), to: z.string() }),
  /** Days of data (first to last successful assumption) a role needs before a narrower policy is proposed. */
  minDays: count,
  /** Roles whose use is a strict subset of what they admit. */
  roles: bounded(
    z.object({
      role: z.string(),
      /** What the trust policy admits now, in words (any owner, any repository of an owner, N repositories). */
      admits: z.string(),
      /** The subject patterns it admits them with. */
      patterns: z.array(z.string()),
      /** The subjects that assumed it: what the narrower policy admits. */
      observed: z.array(z.string()),
      assumptions: count,
      daysOfData: count,
      /** A token the current policy admits and the narrower one refuses; null when only other principals differ. */
      example: z.nullable(z.string()),
    }),
  ),
  /** Roles used, but on too few days to propose a narrower policy. */
  tooLittleActivity: z.array(z.object({ role: z.string(), daysOfData: count })),
});

/** Headline numbers, kept so that next month's report can compare against them. */
export const MetricsSchema = z.object({
  openFindings: count,
  openCriticalHigh: count,
  opened: count,
  resolved: count,
  meanDaysToResolve: z.nullable(z.number()),
  oidcShare: z.nullable(z.number()),
  ciUsersWithKeys: z.nullable(count),
  ciKeysOver90Days: z.nullable(count),
  githubTrustedRoles: z.nullable(count),
  rolesAdmittingAnyOwner: z.nullable(count),
  trustChanges: count,
  /** Trust changes that let in tokens the baseline did not (wider or incomparable). */
  trustWidened: count,
  assumptions: count,
  denied: count,
  unusedRoles: z.nullable(count),
});
export type Metrics = z.infer<typeof MetricsSchema>;

const ComparisonSchema = z.object({
  previousMonth: z.string(),
  previous: MetricsSchema,
  rows: z.array(
    z.object({
      metric: z.string(),
      label: z.string(),
      previous: z.nullable(z.number()),
      current: z.nullable(z.number()),
      /** Which way is better, so a renderer can say improved or worse. */
      better: z.enum(['lower', 'higher']),
    }),
  ),
});

export const ReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  account: z.string(),
  month: z.string().check(z.regex(/^\d{4}-\d{2}$/)),
  period: z.object({ start: z.string(), end: z.string() }),
  generatedAt: z.string(),
  /** When the account state the migration and trust sections describe was read; null without one. */
  snapshotAt: z.nullable(z.string()),
  /** Data that was absent or summarised, in words: the report says so rather than leaving it out. */
  notes: z.array(z.string()),
  metrics: MetricsSchema,
  posture: PostureSchema,
  /** Null when no account snapshot was available. */
  migration: z.nullable(MigrationSchema),
  trust: z.object({
    /** Null when no account snapshot was available. */
    roles: z.nullable(bounded(TrustedRoleSchema)),
    changes: bounded(TrustChangeSchema),
  }),
  activity: ActivitySchema,
  /** Roles that can be tightened; null without an account snapshot, absent in reports written before it existed. */
  tightenable: z.optional(z.nullable(TightenableSchema)),
  /** Null when no report of the previous month was found. */
  comparison: z.nullable(ComparisonSchema),
});

export type Report = z.infer<typeof ReportSchema>;
export type SeverityCounts = z.infer<typeof SeverityCountsSchema>;
export type FindingRef = z.infer<typeof FindingRefSchema>;
export type Bounded<T> = { items: T[]; total: number };
export type Posture = z.infer<typeof PostureSchema>;
export type Migration = z.infer<typeof MigrationSchema>;
export type TrustedRole = z.infer<typeof TrustedRoleSchema>;
export type TrustChange = z.infer<typeof TrustChangeSchema>;
export type Activity = z.infer<typeof ActivitySchema>;
export type Tightenable = z.infer<typeof TightenableSchema>;
export type Series = z.infer<typeof SeriesSchema>;
export type Comparison = z.infer<typeof ComparisonSchema>;
