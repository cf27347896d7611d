import type { PolicyRule } from '../rule.js';

export const unknownElement: PolicyRule = {
  id: 'policy.unknown-element',
  severity: 'medium',
  title: 'Policy uses an operator or field IAM does not know',
  rationale:
    'IAM rejects a policy with an unknown condition operator (MalformedPolicyDocument), and ignores fields it does not know: the policy that was reviewed is not the one that will be in force, or cannot be deployed at all.',
  remediation: 'Use an operator from the IAM condition operator list and remove unknown fields.',
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
  ],
  check(context) {
    return context.parsed.issues
      .filter((i) => i.code === 'unknown-operator' || i.code === 'unknown-field')
      .map((issue) => ({ message: issue.message, evidence: { path: issue.path } }));
  },
};
