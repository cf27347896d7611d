import { missingConditionKeyForOidcPrincipal } from '../access-analyzer.js';
import { githubAllows, githubClauses, where } from '../helpers.js';
import type { PolicyRule } from '../rule.js';

export const noAudience: PolicyRule = {
  id: 'oidc.no-audience',
  severity: 'low',
  title: 'No condition on the token audience',
  rationale:
    'Without an aud condition, a token minted for another service (any audience a workflow asks for) is accepted as well; AWS recommends pinning aud to sts.amazonaws.com.',
  remediation: 'Add "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}.',
  references: ['https://github.com/aws-actions/configure-aws-credentials#oidc-audience'],
  accessAnalyzer: [missingConditionKeyForOidcPrincipal],
  check(context) {
    const withAud = new Set(
      githubClauses(context)
        .filter((c) => c.claim === 'aud')
        .map((c) => c.statement),
    );
    return githubAllows(context)
      .filter(({ statement }) => !withAud.has(statement))
      .map(({ statement, provider }) => ({
        message: `${where(statement)} has no condition on ${provider}:aud`,
        evidence: { statement: statement.index, provider },
      }));
  },
};
