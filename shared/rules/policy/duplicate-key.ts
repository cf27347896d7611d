import type { PolicyRule } from '../rule.js';

export const duplicateKey: PolicyRule = {
  id: 'policy.duplicate-key',
  severity: 'high',
  title: 'Policy JSON repeats a key',
  rationale:
    'JSON keeps only the last of two equal keys: a second "StringEquals" object silently drops the first, as happened in a real trust policy whose sub condition vanished this way. The policy IAM stores is not the one that was reviewed.',
  remediation:
    'Merge the repeated objects into one, e.g. one "StringEquals" with both the aud and the sub keys.',
  references: [
    'https://securitylabs.datadoghq.com/articles/exploring-github-to-aws-keyless-authentication-flaws/',
  ],
  check(context) {
    return context.parsed.issues
      .filter((i) => i.code === 'duplicate-key')
      .map((issue) => ({ message: issue.message, evidence: { path: issue.path } }));
  },
};
