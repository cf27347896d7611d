import * as z from 'zod';

/**
 * The reviewed, approved state of an account: what trustwatch compares the live account against.
 * Meant to be committed: stable key order, pretty-printed, no timestamps that change per capture.
 */
export const BASELINE_SCHEMA_VERSION = 1;

export const SuppressionSchema = z.object({
  ruleId: z.string(),
  /** The resource name or ARN, `*` matching any run of characters. */
  resource: z.string(),
  reason: z.string().min(1, 'say why the finding is accepted'),
  /** The day the acceptance ends (YYYY-MM-DD): it is reviewed again then. */
  expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'),
});

export const BaselineRoleSchema = z.object({
  name: z.string(),
  arn: z.string(),
  trustPolicy: z.unknown(),
});

export const BaselineSchema = z.object({
  schemaVersion: z.literal(BASELINE_SCHEMA_VERSION),
  account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
  /** GitHub-trusted roles and the trust policy each was approved with. */
  ciRoles: z.array(BaselineRoleSchema),
  oidcProviders: z.array(z.object({ url: z.string(), audiences: z.array(z.string()) })),
  /** IAM users that CI uses (in addition to the configuration's selectors). */
  ciUsers: z.array(z.string()).default([]),
  /** GitHub subjects seen assuming each role (role name → subjects), for `activity.novel-subject`. */
  observedSubjects: z.record(z.string(), z.array(z.string())).default({}),
  allowedOwners: z.array(z.string()).default([]),
  suppressions: z.array(SuppressionSchema).default([]),
});

export type Baseline = z.infer<typeof BaselineSchema>;
export type Suppression = z.infer<typeof SuppressionSchema>;
export type BaselineRole = z.infer<typeof BaselineRoleSchema>;
