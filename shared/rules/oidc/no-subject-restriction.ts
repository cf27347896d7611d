import { SUBJECT_LIKE_CLAIMS } from '../../github/claims.js';
import { missingConditionKeyForOidcPrincipal, missingGithubRepoConditionKey } from '../access-analyzer.js';
import { githubAllows, where } from '../helpers.js';
import type { PolicyRule } from '../rule.js';

export const noSubjectRestriction: PolicyRule = {
  id: 'oidc.no-subject-restriction',
  severity: 'critical',
  title: 'GitHub-federated role admits any workflow',
  rationale:
    'Without an effective condition on sub (or job_workflow_ref, repository), any GitHub Actions workflow in any repository on GitHub can assume the role. AWS only checks this syntactically for new policies and never re-checks existing ones.',
  remediation:
    'Add a StringEquals (or narrow StringLike) condition on token.actions.githubusercontent.com:sub naming the repository and branch or environment, e.g. "repo:my-org/my-repo:environment:production".',
  references: [
    'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
  ],
  accessAnalyzer: [missingGithubRepoConditionKey, missingConditionKeyForOidcPrincipal],
  check(context) {
    return githubAllows(context).flatMap(({ statement, provider }) => {
      const view = context.viewOf(statement);
      const { admitsAny, restricting } = context.tokens().restrictions(view, provider, SUBJECT_LIKE_CLAIMS);
      if (!admitsAny || restricting.length > 0) return [];
      return [
        {
          message: `${where(statement)} admits tokens from ${provider} with any subject: no condition restricts sub, job_workflow_ref or repository`,
          evidence: {
            statement: statement.index,
            provider,
            conditionKeys: statement.conditions.map((c) => c.key),
          },
        },
      ];
    });
  },
};
