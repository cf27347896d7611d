import * as z from '../zod.js';

/**
 * What an account looks like, as collected from IAM or read from a file. Written by `trustwatch
 * snapshot`, read by `audit --snapshot`; readers reject what they do not understand.
 */
export const SNAPSHOT_SCHEMA_VERSION = 1;

const isoDate = z.string().check(z.refine((v) => !Number.isNaN(Date.parse(v)), 'an ISO 8601 date'));
const tags = z.record(z.string(), z.string());

export const PolicyAttachmentSchema = z.object({
  arn: z.string(),
  name: z.string(),
  /** The default version's document, decoded; only for customer-managed policies of GitHub-trusted roles. */
  document: z.optional(z.unknown()),
});

export const RoleSchema = z.object({
  name: z.string(),
  arn: z.string(),
  path: z.string(),
  created: z.optional(isoDate),
  /** The trust policy, decoded JSON (IAM returns it URL-encoded). */
  trustPolicy: z.unknown(),
  maxSessionDuration: z.int().check(z.positive()),
  tags: z._default(tags, {}),
  /** Only collected for GitHub-trusted roles; absent means "not collected", not "none". */
  attachedPolicies: z.optional(z.array(PolicyAttachmentSchema)),
  inlinePolicies: z.optional(z.array(z.object({ name: z.string(), document: z.unknown() }))),
  lastUsed: z.optional(z.object({ date: isoDate, region: z.optional(z.string()) })),
});

export const AccessKeySchema = z.object({
  /** 1 or 2: the credential report's slot. */
  slot: z.union([z.literal(1), z.literal(2)]),
  /** The access key id; only looked up (ListAccessKeys) for users a finding must name. */
  id: z.optional(z.string()),
  active: z.boolean(),
  /** When the key was created or last rotated. */
  created: z.optional(isoDate),
  lastUsed: z.optional(
    z.object({ date: isoDate, service: z.optional(z.string()), region: z.optional(z.string()) }),
  ),
});

export const UserSchema = z.object({
  name: z.string(),
  arn: z.string(),
  path: z.string(),
  created: z.optional(isoDate),
  tags: z._default(tags, {}),
  keys: z._default(z.array(AccessKeySchema), []),
});

export const OidcProviderSchema = z.object({
  arn: z.string(),
  /** The issuer host and path, e.g. `token.actions.githubusercontent.com`. */
  url: z.string(),
  audiences: z.array(z.string()),
});

/** Something the collector could not read: reported in the audit, never silently skipped. */
export const GapSchema = z.object({
  resource: z.string(),
  operation: z.string(),
  reason: z.string(),
});

export const SnapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  account: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account id')),
  collectedAt: isoDate,
  roles: z.array(RoleSchema),
  oidcProviders: z.array(OidcProviderSchema),
  users: z.array(UserSchema),
  gaps: z._default(z.array(GapSchema), []),
});

export type Snapshot = z.infer<typeof SnapshotSchema>;
export type Role = z.infer<typeof RoleSchema>;
export type User = z.infer<typeof UserSchema>;
export type AccessKey = z.infer<typeof AccessKeySchema>;
export type OidcProvider = z.infer<typeof OidcProviderSchema>;
export type Gap = z.infer<typeof GapSchema>;
