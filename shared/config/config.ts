import * as z from 'zod';
import { SEVERITIES } from '../rules/rule.js';

/** `trustwatch.config.json`: every field has a default, so `{}` is a valid configuration. */
export const ConfigSchema = z.object({
  /** Days after which an active access key must have been rotated (CIS 1.14, Security Hub IAM.3). */
  maxKeyAgeDays: z.number().int().positive().default(90),
  /** Days without use after which an active key counts as unused (Security Hub IAM.22). */
  maxUnusedDays: z.number().int().positive().default(45),
  /** Days a never-used key may exist before it counts as unused: a key is often created days before first use. */
  neverUsedGraceDays: z.number().int().nonnegative().default(7),
  /** Longest session, in seconds, a GitHub-trusted role may allow before `role.long-session`. */
  maxSessionSeconds: z.number().int().positive().default(3600),
  /** GitHub owners (users or organizations) whose workflows may assume roles; empty means not checked. */
  allowedOwners: z.array(z.string()).default([]),
  /** How to recognise IAM users that CI uses (any selector matches; the baseline's list counts too). */
  ciUsers: z
    .object({
      /** IAM path prefix of CI users. */
      pathPrefix: z.string().default('/ci/'),
      /** A tag `key=value` that marks CI users. */
      tag: z.object({ key: z.string(), value: z.string() }).default({ key: 'trustwatch:ci', value: 'true' }),
      /** Regular expressions matched against the user name, e.g. `^(ci|deploy)-`. */
      namePatterns: z.array(z.string()).default([]),
    })
    .default({ pathPrefix: '/ci/', tag: { key: 'trustwatch:ci', value: 'true' }, namePatterns: [] }),
  /** The lowest severity each channel is alerted for at once; lower ones go into the daily digest. */
  alerts: z
    .object({
      email: z.enum(SEVERITIES as [string, ...string[]]).default('high'),
      slack: z.enum(SEVERITIES as [string, ...string[]]).default('medium'),
    })
    .default({ email: 'high', slack: 'medium' }),
  /** The lowest severity that makes `audit` exit 1 (the CLI's --fail-on overrides it). */
  failOn: z.enum(SEVERITIES as [string, ...string[]]).default('high'),
});

export type Config = z.infer<typeof ConfigSchema>;

export const DEFAULT_CONFIG: Config = ConfigSchema.parse({});
