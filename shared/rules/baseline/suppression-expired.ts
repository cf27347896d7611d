import type { RuleMeta } from '../rule.js';

/** Reported by the audit itself when a suppression in the baseline has passed its expiry date. */
export const suppressionExpired: RuleMeta = {
  id: 'baseline.suppression-expired',
  severity: 'low',
  title: 'Suppression past its expiry date',
  rationale:
    'An accepted risk was accepted until a date; past it, the finding it covered is reported again until someone reviews it.',
  remediation: 'Fix the finding, or review the acceptance and extend the expiry in the baseline.',
  references: [],
};
