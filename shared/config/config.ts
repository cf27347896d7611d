import { GitHubIdsSchema, SubjectTemplatesSchema } from '../github/templates.js';
import { SEVERITIES } from '../rules/rule.js';
import * as z from '../zod.js';
import { unknownKeysMessage } from './unknown-keys.js';

/** An object that refuses keys it does not know, naming the near one: a misspelt setting must not be ignored. */
function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, known) : undefined,
  });
}

/** A JavaScript regular expression, refused with the engine's reason when it does not compile. */
const regularExpression = z.string().check(
  z.superRefine((pattern, context) => {
    try {
      new RegExp(pattern);
    } catch (error) {
      context.issues.push({
        code: 'custom',
        input: pattern,
        message: `${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}`,
      });
    }
  }),
);

/** `trustwatch.config.json`: every field has a default, so `{}` is a valid configuration. */
export const ConfigSchema = strictObject({
  /** Days after which an active access key must have been rotated (CIS 1.14, Security Hub IAM.3). */
  maxKeyAgeDays: z._default(z.int().check(z.positive()), 90),
  /** Days without use after which an active key counts as unused (Security Hub IAM.22). */
  maxUnusedDays: z._default(z.int().check(z.positive()), 45),
  /** Days a never-used key may exist before it counts as unused: a key is often created days before first use. */
  neverUsedGraceDays: z._default(z.int().check(z.nonnegative()), 7),
  /** Longest session, in seconds, a GitHub-trusted role may allow before `role.long-session`. */
  maxSessionSeconds: z._default(z.int().check(z.positive()), 3600),
  /**
   * Days of data (from the first to the last successful assumption of a role in the window) before a
   * narrower trust policy is proposed: `trustwatch tighten`, the report's "can be tightened", alert hints.
   */
  tightenMinDays: z._default(z.int().check(z.positive()), 14),
  /** GitHub owners (users or organizations) whose workflows may assume roles; empty means not checked. */
  allowedOwners: z._default(z.array(z.string()), []),
  /** How to recognise IAM users that CI uses (any selector matches; the baseline's list counts too). */
  ciUsers: z._default(
    strictObject({
      /** IAM path prefix of CI users. */
      pathPrefix: z._default(z.string(), '/ci/'),
      /** A tag `key=value` that marks CI users. */
      tag: z._default(strictObject({ key: z.string(), value: z.string() }), {
        key: 'trustwatch:ci',
        value: 'true',
      }),
      /** Regular expressions matched against the user name, e.g. `^(ci|deploy)-`. */
      namePatterns: z._default(z.array(regularExpression), []),
    }),
    { pathPrefix: '/ci/', tag: { key: 'trustwatch:ci', value: 'true' }, namePatterns: [] },
  ),
  /** The lowest severity each channel is alerted for at once; lower ones go into the daily digest. */
  alerts: z._default(
    strictObject({
      email: z._default(z.enum(SEVERITIES as [string, ...string[]]), 'high'),
      slack: z._default(z.enum(SEVERITIES as [string, ...string[]]), 'medium'),
    }),
    { email: 'high', slack: 'medium' },
  ),
  /** What trustwatch cannot see from AWS: GitHub-side settings that decide which tokens exist. */
  github: z._default(
    strictObject({
      /** Owner or OWNER/REPO to its customized subject's claim keys (`include_claim_keys`), in order. */
      subjectTemplates: z._default(SubjectTemplatesSchema, {}),
      /** Owner or OWNER/REPO to GitHub's numeric id (`trustwatch github ids`): the exact immutable subject to advise. */
      ids: z.optional(GitHubIdsSchema),
    }),
    { subjectTemplates: {} },
  ),
  /** The lowest severity that makes `audit` exit 1 (the CLI's --fail-on overrides it). */
  failOn: z._default(z.enum(SEVERITIES as [string, ...string[]]), 'high'),
});

export type Config = z.infer<typeof ConfigSchema>;

export const DEFAULT_CONFIG: Config = ConfigSchema.parse({});
