import type { RuleMeta } from '../rule.js';

/**
 * Reported by the audit when the organization's baseline location has no reviewed baseline for the
 * account: drift cannot be judged until a person reviews the proposed one and publishes it.
 */
export const baselineMissing: RuleMeta = {
  id: 'baseline.missing',
  severity: 'info',
  title: 'No reviewed baseline for this account',
  rationale:
    'Drift rules (drift.trust-wider, drift.new-ci-role, drift.provider-changed) compare the account with the baseline a person reviewed; with none, a trust policy widened today looks like any other. The audit writes what it sees as a proposed baseline, which is never taken as reviewed: trusting the account as first seen would approve whatever is already wrong in it.',
  remediation:
    'Review the proposed baseline written beside the expected one (baseline.proposed.json): remove what should not be trusted, then publish it with `trustwatch baseline publish --to s3://BUCKET/PREFIX FILE`. The next audit reads it and the drift rules start.',
  references: [],
};
