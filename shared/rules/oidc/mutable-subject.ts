import { immutableSubject } from '../../github/immutable.js';
import { githubClauses, isPositiveString, where } from '../helpers.js';
import type { PolicyRule } from '../rule.js';

export const mutableSubject: PolicyRule = {
  id: 'oidc.mutable-subject',
  severity: 'low',
  title: 'Name-based subject instead of the immutable-id form',
  rationale:
    'A name-based subject pattern follows the name, not the repository: after a rename or transfer, whoever takes the old name matches, and the renamed repository stops matching. Since July 2026 GitHub can issue immutable subjects (repo:OWNER@OWNER_ID/REPO@REPO_ID:…) that pin the owner and repository for good.',
  remediation:
    'Pin the owner and repository ids: "repo:my-org@123456/app@456789:ref:refs/heads/main" (ids from the GitHub API; `trustwatch github ids` stores them in the config, and the finding then names the exact subject to use).',
  references: ['https://docs.github.com/en/actions/reference/security/oidc#immutable-subject-claims'],
  check(context) {
    return githubClauses(context)
      .filter(({ claim, clause }) => claim === 'sub' && isPositiveString(clause))
      .flatMap(({ statement, clause }) =>
        clause.values
          .filter((v) => /^repo:[^/@:*?]+\//.test(v))
          .map((value) => {
            const immutable = immutableSubject(value, context.github?.ids);
            return {
              message: `${where(statement)}: sub value "${value}" names the owner without its id${immutable === undefined ? '' : `: use "${immutable}"`}`,
              evidence: {
                statement: statement.index,
                value,
                ...(immutable === undefined ? {} : { immutable }),
              },
            };
          }),
      );
  },
};
