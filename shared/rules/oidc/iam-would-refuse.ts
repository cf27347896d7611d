import { isGitHubProvider } from '../../github/claims.js';
import { federatedProvider, keyTarget, statementApplies } from '../../policy/applies.js';
import type { ConditionClause, Statement } from '../../policy/model.js';
import { where } from '../helpers.js';
import type { PolicyRule } from '../rule.js';

/** The operators IAM's error message names; a set qualifier or IfExists makes another operator. */
const SCOPING_OPERATORS = ['StringEquals', 'StringLike', 'StringEqualsIgnoreCase'];
const SCOPED_CLAIMS = ['sub', 'job_workflow_ref'];

export const iamWouldRefuse: PolicyRule = {
  id: 'oidc.iam-would-refuse',
  severity: 'low',
  title: 'IAM would refuse to create or update this GitHub trust policy',
  rationale:
    'IAM has been reported (by engineers who hit it; AWS does not document it as a rule of the policy grammar) to refuse CreateRole and UpdateAssumeRolePolicy with MalformedPolicyDocument "Trust policy with trusted principal … token.actions.githubusercontent.com must evaluate, using StringEquals, StringLike or StringEqualsIgnoreCase, …:sub or …:job_workflow_ref which is not scoped to all" when an Allow statement trusting GitHub has no such condition, or only the value "*". The check is syntactic (a value such as "repo:*" passes it) and existing policies are never rechecked, so a policy like this one predates it: the next deployment that touches the trust policy fails until it is fixed. How wide the policy really is, the other oidc rules say at their own severity.',
  remediation:
    'Add "StringEquals" (or a narrow "StringLike") on token.actions.githubusercontent.com:sub naming the repository and branch or environment, e.g. "repo:my-org/my-repo:environment:production", in every Allow statement that trusts GitHub; ForAllValues:, …IfExists and negated operators do not count.',
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
    'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
  ],
  check(context) {
    return context.parsed.document.statements.flatMap((statement) =>
      statement.effect === 'Allow'
        ? namedGitHubProviders(statement)
            .filter((provider) => !statement.conditions.some((c) => scopes(c, provider)))
            .map((provider) => ({
              message: `${where(statement)} trusts ${provider} without a StringEquals, StringLike or StringEqualsIgnoreCase condition scoping ${provider}:sub or ${provider}:job_workflow_ref to less than "*": IAM reportedly refuses to create or update such a trust policy, so any change to it will fail until it is scoped`,
              evidence: { statement: statement.index, provider },
            }))
        : [],
    );
  },
};

/** GitHub providers the statement names as Federated principals for AssumeRoleWithWebIdentity (the guardrail names the principal). */
function namedGitHubProviders(statement: Statement): string[] {
  const federated = statement.principal && statement.principal !== '*' ? statement.principal.Federated : [];
  return [...new Set((federated ?? []).map(federatedProvider))].filter(
    (p) => isGitHubProvider(p) && statementApplies(statement, p),
  );
}

function scopes(clause: ConditionClause, provider: string): boolean {
  const target = keyTarget(clause.key, provider);
  return (
    target.kind === 'claim' &&
    SCOPED_CLAIMS.includes(target.claim) &&
    SCOPING_OPERATORS.includes(clause.operator) &&
    // Reported: "*" is refused, "repo:*" and a list with one narrower value pass.
    !clause.values.every((v) => v === '*')
  );
}
