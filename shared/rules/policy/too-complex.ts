import type { RuleMeta } from '../rule.js';

/**
 * Reported by the audit itself for a role whose trust policy the engine refused (see
 * policy/budget.ts): the other roles are audited as usual.
 */
export const policyTooComplex: RuleMeta = {
  id: 'policy.too-complex',
  severity: 'medium',
  title: 'trustwatch could not decide what this trust policy admits',
  rationale:
    'trustwatch analyses every trust policy exactly, within a bounded amount of search so that one policy cannot stall the audit. Some combinations of wildcard values (many values with several `*` each, such as `repo:*a*b*`) need more than that: nothing was concluded about who this role admits, so none of the other trust policy rules could vouch for it, and a role that admits too much would go unreported.',
  remediation:
    'Rewrite the condition named in the evidence with fewer, more literal values (one value per repository and branch or environment, `StringEquals` where no wildcard is needed), and check the role by hand until trustwatch can decide it.',
  references: [
    'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String',
  ],
};
