import { specificGithubRepoAndBranchRecommended } from '../access-analyzer.js';
import { templateNote } from '../helpers.js';
import { repositoryProbe } from '../questions.js';
import type { PolicyRule } from '../rule.js';

export const anyRepo: PolicyRule = {
  id: 'oidc.any-repo',
  severity: 'medium',
  title: 'Any repository of an owner can assume the role',
  rationale:
    'A pattern like repo:my-org/* lets every repository of the owner in, including ones created later by anyone with repository-creation rights.',
  remediation: 'List the repositories that deploy: "repo:my-org/app:…" values instead of "repo:my-org/*".',
  references: [
    'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
  ],
  accessAnalyzer: [specificGithubRepoAndBranchRecommended],
  check(context) {
    return context.owners().flatMap((analysis) =>
      analysis.owners.flatMap((owner) => {
        const probe = repositoryProbe(context.parsed.document, owner, context.freshName);
        const witness = context.tokens().find([probe], { provider: analysis.provider });
        return witness
          ? [
              {
                message: `any repository of "${owner}" can assume the role, e.g. sub "${witness.claims.sub}"${templateNote(context, witness)}`,
                evidence: { owner, witness },
              },
            ]
          : [];
      }),
    );
  },
};
