import type { Finding } from '../findings/finding.js';
import { RULE_TEXTS } from '../rules/texts.js';
import type { AlertMessage } from './alert.js';

const RULES = new Map(Object.entries(RULE_TEXTS));

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
