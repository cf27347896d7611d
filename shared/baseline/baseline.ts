import * as z from '../zod.js';

/**
 * The reviewed, approved state of an account: what trustwatch compares the live account against.
 * Meant to be committed: stable key order, pretty-printed, no timestamps that change per capture.
 */
export const BASELINE_SCHEMA_VERSION = 1;

export const SuppressionSchema = z.object({
  ruleId: z.string(),
  /** The resource name or ARN, `*` matching any run of characters. */
  resource: z.string(),
  reason: z.string().check(z.minLength(1, 'say why the finding is accepted')),
  /** The day the acceptance ends (YYYY-MM-DD): it is reviewed again then. */
  expires: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')),
});

export const BaselineRoleSchema = z.object({
  name: z.string(),
  arn: z.string(),
  trustPolicy: z.unknown(),
});

export const BaselineSchema = z.object({
  schemaVersion: z.literal(BASELINE_SCHEMA_VERSION),
  account: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account id')),
  /** GitHub-trusted roles and the trust policy each was approved with. */
  ciRoles: z.array(BaselineRoleSchema),
  oidcProviders: z.array(z.object({ url: z.string(), audiences: z.array(z.string()) })),
  /** IAM users that CI uses (in addition to the configuration's selectors). */
  ciUsers: z._default(z.array(z.string()), []),
  /** GitHub subjects seen assuming each role (role name → subjects), for `activity.novel-subject`. */
  observedSubjects: z._default(z.record(z.string(), z.array(z.string())), {}),
  allowedOwners: z._default(z.array(z.string()), []),
  suppressions: z._default(z.array(SuppressionSchema), []),
});

export type Baseline = z.infer<typeof BaselineSchema>;
export type Suppression = z.infer<typeof SuppressionSchema>;
export type BaselineRole = z.infer<typeof BaselineRoleSchema>;
