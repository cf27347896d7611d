import type { Finding } from '../findings/finding.js';
import { ALL_RULES } from '../rules/catalog.js';
import type { AlertMessage } from './alert.js';

const RULES = new Map(ALL_RULES.map((rule) => [rule.id, rule]));

/** The alert for a new finding, with what its rule says about it. */
export function findingAlert(finding: Finding, account: string): Extract<AlertMessage, { kind: 'alert' }> {
  const rule = RULES.get(finding.ruleId);
  return {
    kind: 'alert',
    account,
    finding,
    ...(rule ? { rule: { rationale: rule.rationale, references: rule.references } } : {}),
  };
}
