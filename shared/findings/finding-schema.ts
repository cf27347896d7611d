import { SEVERITIES, type Severity } from '../rules/rule.js';
import * as z from '../zod.js';
import type { Finding } from './finding.js';

/** A Finding read from outside the process (a state file, an SNS message): checked before use. */
export const FindingSchema = z.object({
  id: z.string().check(z.minLength(1)),
  ruleId: z.string(),
  severity: z.enum(SEVERITIES as [Severity, ...Severity[]]),
  title: z.string(),
  resource: z.object({
    type: z.enum(['role', 'user', 'oidc-provider', 'account']),
    arn: z.string(),
    name: z.string(),
  }),
  account: z.string(),
  region: z.string(),
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  remediation: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  status: z.enum(['open', 'resolved', 'suppressed']),
  suppression: z.optional(z.object({ reason: z.string(), expires: z.string() })),
}) satisfies z.ZodMiniType<Finding>;
