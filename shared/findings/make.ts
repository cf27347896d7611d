import type { RuleMeta } from '../rules/rule.js';
import { type Finding, fingerprint } from './finding.js';

export interface FindingHit {
  resource: Finding['resource'];
  message: string;
  evidence: Record<string, unknown>;
  /** What was found, for the fingerprint; defaults to the evidence. */
  detail?: unknown;
}

/** A finding of `rule` about `hit`, seen at `at` (the snapshot's or the event's time). */
export function makeFinding(
  rule: RuleMeta,
  hit: FindingHit,
  account: string,
  region: string,
  at: string,
): Finding {
  return {
    id: fingerprint(rule.id, hit.resource.arn, hit.detail ?? hit.evidence),
    ruleId: rule.id,
    severity: rule.severity,
    title: rule.title,
    resource: hit.resource,
    account,
    region,
    message: hit.message,
    evidence: hit.evidence,
    remediation: rule.remediation,
    firstSeen: at,
    lastSeen: at,
    status: 'open',
  };
}
