import { templateNote } from '../helpers.js';
import type { PolicyRule } from '../rule.js';

export const pullRequest: PolicyRule = {
  id: 'oidc.pull-request',
  severity: 'high',
  title: 'Pull-request workflows can assume the role',
  rationale:
    'A pull_request subject is issued for workflows running on code proposed in a pull request, which may not have been reviewed; with such a trust anyone able to open a pull request that runs workflows can act with the role.',
  remediation:
    'Do not admit "…:pull_request" subjects for roles that can change anything; use a separate read-only role for PR checks.',
  references: ['https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/'],
  check(context) {
    const witness = context.tokens().find([], { pullRequest: true });
    return witness
      ? [
          {
            message: `pull-request workflows can assume the role, e.g. sub "${witness.claims.sub}"${templateNote(context, witness)}`,
            evidence: { witness },
          },
        ]
      : [];
  },
};
