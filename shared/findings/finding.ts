import { createHash } from 'node:crypto';
import type { Severity } from '../rules/rule.js';

export type FindingStatus = 'open' | 'resolved' | 'suppressed';

export interface Finding {
  /** Stable fingerprint of rule + resource + what was found: the same situation gives the same id. */
  id: string;
  ruleId: string;
  severity: Severity;
  title: string;
  resource: { type: 'role' | 'user' | 'oidc-provider' | 'account'; arn: string; name: string };
  account: string;
  region: string;
  message: string;
  evidence: Record<string, unknown>;
  remediation: string;
  firstSeen: string;
  lastSeen: string;
  status: FindingStatus;
  /** Why it is suppressed, when it is. */
  suppression?: { reason: string; expires: string };
}

/**
 * The fingerprint of a finding. `detail` says what was found (a key slot, a statement, a policy
 * version) so that a different problem on the same resource is a different finding.
 */
export function fingerprint(ruleId: string, resourceArn: string, detail: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([ruleId, resourceArn, canonical(detail)]))
    .digest('hex')
    .slice(0, 32);
}

/** JSON with object keys sorted, so that equal values give equal text. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
