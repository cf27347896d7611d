import { specificGithubRepoAndBranchRecommended } from '../access-analyzer.js';
import type { PolicyRule } from '../rule.js';

export const anyOwner: PolicyRule = {
  id: 'oidc.any-owner',
  severity: 'critical',
  title: 'Repositories of unlisted owners can assume the role',
  rationale:
    'A subject pattern such as repo:*, repo:octo* or *:ref:refs/heads/main matches repositories of owners nobody wrote down: anyone who creates such an account or organization on GitHub can assume the role.',
  remediation:
    'Name the owner literally at the start of every subject value: "repo:my-org/my-repo:…". Remove wildcard values from the list.',
  references: [
    'https://securitylabs.datadoghq.com/articles/exploring-github-to-aws-keyless-authentication-flaws/',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
  ],
  accessAnalyzer: [specificGithubRepoAndBranchRecommended],
  check(context) {
    return context.owners().flatMap((analysis) =>
      analysis.any
        ? [
            {
              message: `tokens of owners nobody listed get in through ${analysis.provider}, e.g. sub "${analysis.foreignWitness?.claims.sub}"`,
              evidence: {
                provider: analysis.provider,
                witness: analysis.foreignWitness,
                listedOwners: analysis.owners,
              },
            },
          ]
        : [],
    );
  },
};
