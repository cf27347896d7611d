import type { AssumptionCount, StoredFinding } from '../../shared/findings/store.js';
import type { Severity } from '../../shared/rules/rule.js';

export const ACCOUNT = '111122223333';
export const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

let serial = 0;

/** A stored finding with what a test sets; the rest plausible. */
export function finding(
  fields: Partial<Omit<StoredFinding, 'resource'>> & { resource?: string; severity?: Severity } = {},
): StoredFinding {
  serial += 1;
  const { resource = `role-${serial}`, ...rest } = fields;
  return {
    id: `finding-${serial}`,
    ruleId: 'oidc.any-ref',
    severity: 'medium',
    title: 'Any branch, tag or environment of a repository can assume the role',
    resource: { type: 'role', arn: roleArn(resource), name: resource },
    account: ACCOUNT,
    region: 'global',
    message: `${resource}: something`,
    evidence: {},
    remediation: 'fix it',
    firstSeen: '2026-10-10T00:00:00Z',
    lastSeen: '2026-10-31T00:00:00Z',
    status: fields.resolvedAt ? 'resolved' : 'open',
    ...rest,
  };
}

export function count(
  role: string,
  subject: string,
  day: string,
  succeeded: number,
  denied = 0,
): AssumptionCount {
  return { roleArn: roleArn(role), subject, day, succeeded, denied };
}
