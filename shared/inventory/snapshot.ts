import * as z from 'zod';

/**
 * What an account looks like, as collected from IAM or read from a file. Written by `trustwatch
 * snapshot`, read by `audit --snapshot`; readers reject what they do not understand.
 */
export const SNAPSHOT_SCHEMA_VERSION = 1;

const isoDate = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'an ISO 8601 date');
const tags = z.record(z.string(), z.string());

export const PolicyAttachmentSchema = z.object({
  arn: z.string(),
  name: z.string(),
  /** The default version's document, decoded; only for customer-managed policies of GitHub-trusted roles. */
  document: z.unknown().optional(),
});

export const RoleSchema = z.object({
  name: z.string(),
  arn: z.string(),
  path: z.string(),
  created: isoDate.optional(),
  /** The trust policy, decoded JSON (IAM returns it URL-encoded). */
  trustPolicy: z.unknown(),
  maxSessionDuration: z.number().int().positive(),
  tags: tags.default({}),
  /** Only collected for GitHub-trusted roles; absent means "not collected", not "none". */
  attachedPolicies: z.array(PolicyAttachmentSchema).optional(),
  inlinePolicies: z.array(z.object({ name: z.string(), document: z.unknown() })).optional(),
  lastUsed: z.object({ date: isoDate, region: z.string().optional() }).optional(),
});

export const AccessKeySchema = z.object({
  /** 1 or 2: the credential report's slot. */
  slot: z.union([z.literal(1), z.literal(2)]),
  /** The access key id; only looked up (ListAccessKeys) for users a finding must name. */
  id: z.string().optional(),
  active: z.boolean(),
  /** When the key was created or last rotated. */
  created: isoDate.optional(),
  lastUsed: z
    .object({ date: isoDate, service: z.string().optional(), region: z.string().optional() })
    .optional(),
});

export const UserSchema = z.object({
  name: z.string(),
  arn: z.string(),
  path: z.string(),
  created: isoDate.optional(),
  tags: tags.default({}),
  keys: z.array(AccessKeySchema).default([]),
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
  account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
  collectedAt: isoDate,
  roles: z.array(RoleSchema),
  oidcProviders: z.array(OidcProviderSchema),
  users: z.array(UserSchema),
  gaps: z.array(GapSchema).default([]),
});

export type Snapshot = z.infer<typeof SnapshotSchema>;
export type Role = z.infer<typeof RoleSchema>;
export type User = z.infer<typeof UserSchema>;
export type AccessKey = z.infer<typeof AccessKeySchema>;
export type OidcProvider = z.infer<typeof OidcProviderSchema>;
export type Gap = z.infer<typeof GapSchema>;
