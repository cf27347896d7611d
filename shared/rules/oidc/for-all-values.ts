import { isStsGitHubClaim } from '../../github/claims.js';
import type { ConditionClause, PolicyDocument, Statement, Token } from '../../policy/model.js';
import { clauseHolds, clausePatterns, operatorInfo } from '../../policy/operators.js';
import { matchPattern } from '../../policy/pattern.js';
import { AdmittedTokens } from '../../policy/query.js';
import { githubClauses, where } from '../helpers.js';
import { statementAlone } from '../questions.js';
import type { PolicyRule } from '../rule.js';

export const forAllValues: PolicyRule = {
  id: 'oidc.for-all-values',
  severity: 'high',
  title: 'ForAllValues or IfExists on a token claim',
  rationale:
    'ForAllValues: and …IfExists conditions are true when the key is absent from the request. GitHub sends environment only for a job that names one and enterprise_id only for repositories of an enterprise, and STS passes no condition key at all for claims such as repository_owner or event_name: on such a key the condition restricts nothing for the tokens that lack it (high, with such a token as witness). On sub and aud, which every GitHub token carries, it restricts as the plain operator does today, but it is the same trap waiting for a rename or another provider (low).',
  remediation:
    'Use the plain operator (StringEquals / StringLike) on single-valued token claims; to require a claim, add "Null": {"<key>": "false"}.',
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists',
    'https://docs.github.com/en/actions/reference/security/oidc#oidc-token-claims',
  ],
  check(context) {
    return (
      githubClauses(context)
        // A negated operator is true on an absent key anyway: the qualifier changes nothing there.
        .filter(
          ({ clause }) =>
            (clause.setQualifier === 'ForAllValues' || clause.ifExists) &&
            !operatorInfo(clause.base)?.negated,
        )
        .map(({ statement, clause, provider, claim }) => {
          const evidence = { statement: statement.index, operator: clause.operator, key: clause.key };
          const witness =
            claim === 'iss' && holdsForIssuer(clause, provider, context.parsed.document.version)
              ? undefined
              : admittedWithout(context.parsed.document, statement, clause.key, provider);
          if (!witness) {
            return {
              message: `${where(statement)} uses ${clause.operator} on ${clause.key}: it is true when the key is absent, though ${claim === 'iss' ? `the issuer of every token of ${provider} satisfies it anyway` : `every GitHub token this statement admits carries ${claim}`}`,
              evidence,
              severity: 'low' as const,
            };
          }
          const why = isStsGitHubClaim(claim)
            ? `GitHub sends tokens without ${claim}`
            : `STS does not pass the claim ${claim} as a condition key, so it is always absent`;
          return {
            message: `${where(statement)} uses ${clause.operator} on ${clause.key}, which is true when the key is absent: ${why}, and such a token gets in, e.g. ${JSON.stringify(witness.claims)}`,
            evidence: { ...evidence, witness },
          };
        })
    );
  },
};

/**
 * Whether the clause admits the issuer every token of the provider carries: then it restricts nothing
 * whether STS passes the key or not (it does not).
 */
function holdsForIssuer(clause: ConditionClause, provider: string, version: string | undefined): boolean {
  const issuer = `https://${provider}`;
  const patterns = clausePatterns(clause, version);
  return clauseHolds(clause, {
    present: true,
    valueMatches: (i) => patterns[i] !== undefined && matchPattern(patterns[i], issuer),
  });
}

/** A realistic token of `provider` that the statement (with the policy's Denies) admits while `key` is absent. */
function admittedWithout(
  policy: PolicyDocument,
  statement: Statement,
  key: string,
  provider: string,
): Token | undefined {
  const absent: Statement = {
    ...statement,
    conditions: [
      ...statement.conditions,
      { operator: 'Null', base: 'Null', ifExists: false, key, values: ['true'] },
    ],
  };
  return new AdmittedTokens(statementAlone(policy, absent)).find([], { provider });
}
